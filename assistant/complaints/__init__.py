"""Complaint tickets: numbering, regulatory deadlines, urgency signs, registration and withdrawal."""

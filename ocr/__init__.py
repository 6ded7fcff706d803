"""Reading uploaded invoices, contracts and business licences, and checking them."""

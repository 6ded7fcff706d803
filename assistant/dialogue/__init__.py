"""The dialogue manager: one ``IncomingMessage`` in, the turn's events out, all state in the store."""

from assistant.dialogue.messages import Attachment, Delta, IncomingMessage, Reply
from assistant.dialogue.pipeline import DialogueManager, TurnEvent, final_reply

__all__ = ["Attachment", "Delta", "DialogueManager", "IncomingMessage", "Reply", "TurnEvent", "final_reply"]

"""The dialogue manager: one ``IncomingMessage`` in, one ``Reply`` out, all state in the store."""

from assistant.dialogue.manager import DialogueManager, build_dialogue_manager
from assistant.dialogue.messages import Attachment, IncomingMessage, Reply

__all__ = ["Attachment", "DialogueManager", "IncomingMessage", "Reply", "build_dialogue_manager"]

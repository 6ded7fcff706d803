"""The web chat widget channel (Gradio): mounted into the app by ``mount_widget``."""

from ui.channels.widget.blocks import mount_widget

__all__ = ["mount_widget"]

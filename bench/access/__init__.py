"""Access analysis benchmark."""

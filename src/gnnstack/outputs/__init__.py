"""Every format of every command."""

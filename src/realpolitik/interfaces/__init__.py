"""User interfaces: the command line (Typer + Rich), files and figures. No arithmetic here."""

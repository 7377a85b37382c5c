"""Qt-free core: profiles, their file, and the AWS calls. Never import Qt here."""

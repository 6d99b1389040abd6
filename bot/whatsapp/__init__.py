"""The WhatsApp channel on the WhatsApp Cloud API: webhook in, Graph API out."""

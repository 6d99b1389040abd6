"""Channel adapters (Telegram, WhatsApp, terminal), scheduler wiring and the `skm` command."""

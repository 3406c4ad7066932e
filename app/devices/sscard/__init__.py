"""Social-security cards (社保卡) and contactless UIDs over PC/SC."""

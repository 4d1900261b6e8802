"""A member's notifications, their own questions ("自分の質問"), and following threads."""

"""Settings: a member's mail notifications and subscriptions; one-click unsubscribe."""

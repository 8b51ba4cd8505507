"""The subscriptions: authentication of the websocket, and the live event streams."""

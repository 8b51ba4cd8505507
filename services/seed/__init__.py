"""Demo data: what `server.py seed` and the tests load."""

from services.seed.users import DEMO_USERS, DemoUser, create_demo_users

__all__ = ["DEMO_USERS", "DemoUser", "create_demo_users"]

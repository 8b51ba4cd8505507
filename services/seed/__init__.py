"""Demo data: what `server.py seed` and the tests load."""

from services.catalog import DEMO_CATALOG_PATH, install_catalog, load_catalog
from services.seed.demo_orders import create_demo_orders
from services.seed.users import DEMO_USERS, DemoUser, create_demo_users

__all__ = ["DEMO_USERS", "DemoUser", "create_demo_users", "seed_demo"]


async def seed_demo() -> None:
    """The demo catalog, users and orders; running it again changes nothing."""
    await install_catalog(load_catalog(DEMO_CATALOG_PATH))
    await create_demo_orders(await create_demo_users())

"""The MODIFY and DELETE plans of each demo product, as exact trees and edges (catalog/demo.yaml
draws them): the work of the item's action, parent before child for a teardown."""

from __future__ import annotations

from collections import Counter

import pytest

from models import SoldProduct, User
from models.enums import LineItemAction
from tests.services.installed_base import CHANGED, active_product, change_order
from tests.services.orders.helpers import domain_order_tree, task_edges, task_labels

CFS = "CUSTOMER_FACING_SERVICE"
RFS = "RESOURCE_FACING_SERVICE"

MODIFY_PLANS = {
    "FIBRE_BROADBAND": (
        [
            "FIBRE_BROADBAND PRODUCT",
            f"  FTTH_INTERNET_CFS {CFS}",
            f"    GPON_ACCESS_RFS {RFS}",
        ],
        {
            ("FIBRE_BROADBAND/change_tariff", "FTTH_INTERNET_CFS/reprofile_internet"): 1,
            ("FTTH_INTERNET_CFS/reprofile_internet", "GPON_ACCESS_RFS/change_olt_profile"): 1,
        },
    ),
    "BUSINESS_SDWAN": (
        ["BUSINESS_SDWAN PRODUCT", f"  SDWAN_CFS {CFS}"],
        {
            ("SDWAN_CFS/acceptance_test", "SDWAN_CFS/change_policies"): 1,
            ("BUSINESS_SDWAN/change_tariff", "SDWAN_CFS/acceptance_test"): 1,
        },
    ),
    "MOBILE_LINE": (
        ["MOBILE_LINE PRODUCT", f"  MOBILE_CFS {CFS}"],
        {("MOBILE_LINE/change_tariff", "MOBILE_CFS/update_services"): 1},
    ),
    "TV_VOICE_BUNDLE": (
        ["TV_VOICE_BUNDLE PRODUCT", f"  IPTV_CFS {CFS}"],
        {("TV_VOICE_BUNDLE/change_tariff", "IPTV_CFS/change_channels"): 1},
    ),
}

DELETE_PLANS = {
    "FIBRE_BROADBAND": (
        [
            "FIBRE_BROADBAND PRODUCT",
            f"  FTTH_INTERNET_CFS {CFS}",
            f"    GPON_ACCESS_RFS {RFS}",
            "      ONT_DEVICE RESOURCE",
            f"    IPV6_PREFIX_RFS {RFS}",
        ],
        {
            ("FTTH_INTERNET_CFS/deactivate_internet", "FIBRE_BROADBAND/stop_billing"): 1,
            ("GPON_ACCESS_RFS/disable_olt_port", "FTTH_INTERNET_CFS/deactivate_internet"): 1,
            ("ONT_DEVICE/collect_ont", "GPON_ACCESS_RFS/disable_olt_port"): 1,
            ("IPV6_PREFIX_RFS/withdraw_ipv6_prefix", "FTTH_INTERNET_CFS/deactivate_internet"): 1,
        },
    ),
    "BUSINESS_SDWAN": (
        [
            "BUSINESS_SDWAN PRODUCT",
            f"  SDWAN_CFS {CFS}",
            f"    SDWAN_EDGE_RFS {RFS}",
            "      EDGE_APPLIANCE RESOURCE",
            "      EDGE_APPLIANCE RESOURCE",
        ],
        {
            ("SDWAN_CFS/decommission_overlay", "BUSINESS_SDWAN/stop_billing"): 1,
            ("SDWAN_EDGE_RFS/uninstall_edges", "SDWAN_CFS/decommission_overlay"): 1,
            ("EDGE_APPLIANCE/collect_appliance", "SDWAN_EDGE_RFS/uninstall_edges"): 2,
        },
    ),
    "MOBILE_LINE": (
        [
            "MOBILE_LINE PRODUCT",
            f"  MOBILE_CFS {CFS}",
            f"    MOBILE_CORE_RFS {RFS}",
            "      MSISDN RESOURCE",
        ],
        {
            ("MOBILE_CFS/bar_services", "MOBILE_LINE/stop_billing"): 1,
            ("MOBILE_CORE_RFS/deregister_subscriber", "MOBILE_CFS/bar_services"): 1,
            ("MSISDN/quarantine_msisdn", "MOBILE_CORE_RFS/deregister_subscriber"): 1,
        },
    ),
    "TV_VOICE_BUNDLE": (
        [
            "TV_VOICE_BUNDLE PRODUCT",
            f"  IPTV_CFS {CFS}",
            f"    MULTICAST_RFS {RFS}",
            "    SET_TOP_BOX RESOURCE",
            f"  FIXED_VOICE_CFS {CFS}",
            "    GEOGRAPHIC_NUMBER RESOURCE",
        ],
        {
            ("IPTV_CFS/deactivate_channels", "TV_VOICE_BUNDLE/stop_billing"): 1,
            ("MULTICAST_RFS/prune_multicast", "IPTV_CFS/deactivate_channels"): 1,
            ("SET_TOP_BOX/collect_set_top_box", "IPTV_CFS/deactivate_channels"): 1,
            ("FIXED_VOICE_CFS/disable_sip_account", "TV_VOICE_BUNDLE/stop_billing"): 1,
            ("GEOGRAPHIC_NUMBER/quarantine_number", "FIXED_VOICE_CFS/disable_sip_account"): 1,
        },
    ),
}


@pytest.fixture
async def products(users: dict[str, User]) -> dict[str, SoldProduct]:
    """One ACTIVE product of each demo product, bought with the characteristics of BOUGHT."""
    return {code: await active_product(users, code) for code in MODIFY_PLANS}


async def test_each_demo_product_modifies_as_its_catalog_draws(
    users: dict[str, User], products: dict[str, SoldProduct]
) -> None:
    for code, (tree, edges) in MODIFY_PLANS.items():
        order = await change_order(users, LineItemAction.MODIFY, products[code], CHANGED[code])

        assert (await domain_order_tree(order.id), await task_edges(order.id)) == (
            tree,
            Counter(edges),
        ), code


async def test_each_demo_product_is_torn_down_parent_before_child(
    users: dict[str, User], products: dict[str, SoldProduct]
) -> None:
    for code, (tree, edges) in DELETE_PLANS.items():
        order = await change_order(users, LineItemAction.DELETE, products[code])

        assert (await domain_order_tree(order.id), await task_edges(order.id)) == (
            tree,
            Counter(edges),
        ), code


async def test_an_ip_version_change_withdraws_the_prefix_after_the_reprofiling(
    users: dict[str, User],
) -> None:
    product = await active_product(users, "FIBRE_BROADBAND")

    order = await change_order(
        users, LineItemAction.MODIFY, product, {"ipVersion": "IPV4", "bandwidth": "500M"}
    )

    assert await domain_order_tree(order.id) == [
        "FIBRE_BROADBAND PRODUCT",
        f"  FTTH_INTERNET_CFS {CFS}",
        f"    IPV6_PREFIX_RFS {RFS}",
    ]
    assert await task_edges(order.id) == Counter(
        {("IPV6_PREFIX_RFS/withdraw_ipv6_prefix", "FTTH_INTERNET_CFS/reprofile_internet"): 1}
    )


async def test_a_delete_tears_down_what_the_product_was_built_with(
    users: dict[str, User],
) -> None:
    # An IPv4-only line never had a prefix: there is none to withdraw.
    product = await active_product(
        users, "FIBRE_BROADBAND", {"ipVersion": "IPV4", "bandwidth": "500M"}
    )

    order = await change_order(users, LineItemAction.DELETE, product)

    assert "IPV6_PREFIX_RFS/withdraw_ipv6_prefix" not in (await task_labels(order.id)).values()

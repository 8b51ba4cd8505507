"""graphql-transport-ws `connection_init`: the token in its payload names the user.

Browsers cannot set headers on a websocket, so the token comes as
`{"authorization": "Bearer <JWT>"}` in the first message. Without a usable one the socket is
refused (strawberry closes it with 4403) before any operation can run.
"""

from __future__ import annotations

from strawberry.exceptions import ConnectionRejectionError

from resolvers.context import Context
from services.auth import AuthenticationError, authenticate_credentials


async def accept_connection(context: Context) -> None:
    params = context.connection_params or {}
    authorization = params.get("authorization", params.get("Authorization"))
    try:
        if not isinstance(authorization, str):
            raise AuthenticationError(
                'Authentication required: send {"authorization": "Bearer <token>"} '
                "in connection_init."
            )
        credentials = await authenticate_credentials(authorization, context.settings)
        context.user = credentials.user
        context.credentials_expire_at = credentials.expires_at
    except AuthenticationError as error:
        raise ConnectionRejectionError({"message": error.message}) from error

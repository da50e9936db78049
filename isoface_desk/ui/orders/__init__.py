"""The nurse workspace of the "Lab orders" area: the due list, print jobs, results."""

from __future__ import annotations

from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_desk import LabDesk
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.orders.controller import OrdersController
from isoface_desk.ui.orders.view import OrdersView
from isoface_desk.ui.tasks import TaskRunner

__all__ = ["OrdersArea", "OrdersController", "OrdersView", "orders_page"]


class OrdersArea(OrdersView):
    """The page of the area, holding its controller."""

    def __init__(
        self, desk: LabDesk, actor: Actor, messages: MessageChannel, runner: TaskRunner
    ) -> None:
        super().__init__()
        self.controller = OrdersController(self, desk, actor, messages, runner)


def orders_page(
    actor: Actor,
    services: Services,
    messages: MessageChannel,
    runner: TaskRunner | None = None,
    *,
    load: bool = True,
) -> OrdersArea:
    """The Lab orders page of a session; it starts loading the due list at once."""
    area = OrdersArea(services.lab_desk, actor, messages, runner or TaskRunner())
    if load:
        area.controller.refresh()
    return area

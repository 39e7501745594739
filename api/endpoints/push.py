"""Writing a month's figures for a set of communes."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.responses import Status

from communes.periods import parse_month

from ..errors import not_found
from ..idempotency import HEADER, fingerprint, run_once
from ..lookup import unit_or_404
from ..push import push_month
from ..schemas import ErrorOut, PushIn, PushOut
from .units import REFUSALS

router = Router(tags=["Ghi số liệu"])
KEY_HELP = (
    "khoá chống gửi trùng (ví dụ một UUID): gửi lại cùng khoá trong 24 giờ nhận lại đúng câu trả lời "
    "lần đầu, không ghi thêm gì"
)


@router.post(
    "/units/{code}/months/{month}/figures",
    response={200: PushOut, 409: ErrorOut, **REFUSALS},
    summary="Ghi số tham gia (và dân số, nhóm đối tượng) của các xã cho một tháng",
)
def push_figures(
    request: HttpRequest,
    response: HttpResponse,
    code: str,
    month: str,
    payload: PushIn,
    idempotency_key: str | None = Header(None, alias=HEADER, description=KEY_HELP),
):
    """The month's grid of the unit (a province, a district, or one commune) for the communes
    named, as the entry page saves it: all or nothing, in one transaction. Refused with
    `confirmation_required` while a warning stands (a fall of more than 5%, groups that do not add
    up) unless `confirm` is true; with `conflict` when a commune's figure changed since the
    `version` sent; with `month_closed` once the month has closed (ENTRY_CLOSE_DAYS after its end)."""
    chosen = parse_month(month)
    if chosen is None:
        raise not_found(_("Tháng không hợp lệ."))
    area = unit_or_404(request, code, on=chosen, reach=True)
    token = request.auth

    def work() -> tuple[int, dict]:
        pushed = push_month(area=area, month=chosen, user=token.user, payload=payload, token_name=token.name)
        return 200, pushed.body

    asked = fingerprint(
        method=request.method, path=request.path, payload=payload.model_dump(mode="json", exclude_unset=True)
    )
    status, body, replayed = run_once(token=token, key=idempotency_key, fingerprint=asked, work=work)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)

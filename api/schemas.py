"""What the API reads and writes, as the OpenAPI schema describes it.

Rates are percentages with two decimals (86.06 means 86,06%), computed by reports.coverage exactly
as the pages show them; months are "YYYY-MM"; times are ISO 8601 with their offset."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictInt

Count = Annotated[StrictInt, Field(description="số người (số nguyên)")]
Rate = Annotated[float, Field(description="tỷ lệ phần trăm, 2 chữ số thập phân (86.06 = 86,06%)")]
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-11"])]


class Problem(Schema):
    commune: str | None = Field(None, description="mã xã, khi vấn đề thuộc một xã")
    field: str | None = Field(None, description="trường: enrolled, population, population_source, note, g-<mã nhóm>…")
    message: str


class CurrentFigure(Schema):
    code: str
    version: int
    enrolled: int
    entered_by: str | None
    entered_at: dt.datetime


class ErrorOut(Schema):
    code: str = Field(description="mã máy đọc: not_found, forbidden, conflict, invalid_figures…")
    message: str = Field(description="thông báo tiếng Việt cho người đọc")
    problems: list[Problem] | None = Field(None, description="từng lỗi, cảnh báo hoặc xung đột")
    parameter: str | None = Field(None, description="tham số bị từ chối")
    current: list[CurrentFigure] | None = Field(None, description="xung đột: số hiện lưu của các xã đã bị sửa")


class UnitRef(Schema):
    id: int = Field(description="khoá của đơn vị trong cổng: một mã có thể được đơn vị khác dùng lại sau sáp nhập")
    level: Literal["country", "province", "district", "commune"]
    code: str
    kind: str
    name: str
    full_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None = Field(description="ngày cuối cùng còn hiệu lực; null: đang hiệu lực")


class UnitItem(UnitRef):
    parent_id: int | None
    parent_code: str | None
    updated_at: dt.datetime = Field(description="lần sửa gần nhất (tên, loại, cấp trên, hiệu lực…)")


class Succession(Schema):
    unit: UnitRef
    effective_on: dt.date
    whole: bool = Field(description="false: chỉ một phần đơn vị chuyển sang (chia tách)")
    note: str


class UnitOut(UnitRef):
    parent: UnitRef | None
    is_synthetic: bool
    source: str
    predecessors_outside: str
    predecessors: list[Succession]
    successors: list[Succession]
    successors_today: list[UnitRef] = Field(description="các đơn vị hiện nay kế tục đơn vị đã kết thúc")
    versions: list[UnitRef] = Field(description="các đơn vị khác từng mang cùng mã")


class UnitPage(Schema):
    server_time: dt.datetime = Field(description="giờ máy chủ khi đọc: mốc cho lần đồng bộ sau")
    items: list[UnitItem]
    next: str | None = Field(description="đường dẫn trang sau; null ở trang cuối")


class MonthOut(Schema):
    month: Month
    enrolled: int
    population: int
    rate: Rate | None
    reported: int = Field(description="số xã có cả số tham gia và dân số của năm")
    synthetic: int = Field(description="trong đó số liệu mô phỏng")


class MonthsOut(Schema):
    unit: UnitRef
    start: Month
    end: Month
    months: list[MonthOut]


class UnitBrief(Schema):
    id: int
    code: str
    full_name: str


class FigureOut(Schema):
    unit: UnitBrief
    month: Month
    enrolled: int
    note: str
    source: str
    version: int = Field(description="gửi lại số này khi đẩy số liệu của xã-tháng này (chống ghi đè)")
    groups: dict[str, int] = Field(description="số tham gia theo nhóm đối tượng (mã nhóm → số người)")
    is_synthetic: bool
    entered_at: dt.datetime
    entered_by: str | None


class FigurePage(Schema):
    unit: UnitRef
    server_time: dt.datetime = Field(description="giờ máy chủ khi đọc: mốc cho lần đồng bộ sau")
    items: list[FigureOut]
    next: str | None


class PopulationOut(Schema):
    unit: UnitBrief
    year: int
    population: int
    source: str
    as_of: dt.date | None
    is_synthetic: bool
    entered_at: dt.datetime


class PopulationPage(Schema):
    unit: UnitRef
    server_time: dt.datetime
    items: list[PopulationOut]
    next: str | None


class DocumentRef(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date
    title: str


class TargetOut(Schema):
    unit: UnitBrief
    year: int
    rate: Rate
    comparison: Literal["gte", "gt"] = Field(description="gte: đạt từ tỷ lệ; gt: vượt tỷ lệ (> 95%)")
    planned_population: int | None
    planned_enrolled: int | None
    row_number: int | None
    printed_name: str
    wording: str


class DocumentItem(DocumentRef):
    kind_label: str
    issuer: str
    signer: str
    scope: UnitRef
    first_year: int | None
    last_year: int | None
    is_synthetic: bool
    updated_at: dt.datetime = Field(description="lần sửa gần nhất của văn bản hoặc của một chỉ tiêu của nó")


class DocumentOut(DocumentItem):
    annex_title: str
    note: str
    targets: list[TargetOut]


class DocumentPage(Schema):
    server_time: dt.datetime = Field(description="giờ máy chủ khi đọc: mốc cho lần đồng bộ sau")
    items: list[DocumentItem]
    next: str | None


class TargetBrief(Schema):
    rate: Rate
    comparison: Literal["gte", "gt"]
    year: int
    inherited: bool = Field(description="true: chỉ tiêu của đơn vị cấp trên (xã chưa có chỉ tiêu riêng)")
    document: DocumentRef


class Pending(Schema):
    month: Month
    reported: int


class CoverageOut(Schema):
    unit: UnitRef
    period: Literal["year", "month"]
    year: int
    as_of: Month | None = Field(description="tháng của số liệu (năm: tháng gần nhất đủ số liệu)")
    enrolled: int | None
    population: int | None
    rate: Rate | None
    target: TargetBrief | None
    gap_points: float | None = Field(description="tỷ lệ trừ chỉ tiêu, điểm phần trăm (âm: còn thiếu)")
    gap_people: int | None = Field(description="số người còn phải vận động để đạt chỉ tiêu (0: đã đạt)")
    met: bool | None
    projected_rate: Rate | None = Field(description="ước tỷ lệ cuối năm (đường thẳng qua tối đa 4 tháng gần nhất)")
    months_left: int | None
    per_month_needed: int | None
    status: Literal["on_track", "at_risk", "off_track", "check_data"] | None
    status_label: str | None
    previous_month_rate: Rate | None
    last_year_rate: Rate | None
    reported: int | None = Field(description="số xã đủ số liệu ở tháng as_of (null: trang không nêu)")
    expected: int | None = Field(description="số xã của đơn vị")
    pending: Pending | None = Field(description="tháng sau đang nhận số liệu (chưa đủ xã), không tính vào tỷ lệ")
    rank: int | None = None
    ends: dt.date | None = Field(description="ngày cuối của đơn vị khi nó kết thúc trong năm")
    synthetic: bool
    anomaly: bool = Field(description="số tham gia lớn hơn dân số: cần kiểm tra số liệu")


class RankingOut(Schema):
    unit: UnitRef
    year: int
    total: CoverageOut
    rows: list[CoverageOut]


class CommuneFigures(Schema):
    """A commune's cells for the month; a field left out keeps its stored value, null empties it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=10, description="mã xã")
    version: StrictInt = Field(0, ge=0, le=2_000_000_000, description="version đã đọc (0: tháng chưa có số của xã)")
    enrolled: Count | None = None
    population: Count | None = None
    population_source: str | None = Field(None, description="nguồn của số dân mới (bắt buộc khi đổi dân số)")
    note: str | None = Field(None, description="ghi chú (bắt buộc khi số tham gia lớn hơn dân số)")
    groups: dict[str, Count | None] | None = Field(None, description="số theo nhóm đối tượng: mã nhóm → số người")


class PushIn(Schema):
    model_config = ConfigDict(extra="forbid")

    communes: list[CommuneFigures] = Field(min_length=1, max_length=5000)
    confirm: StrictBool = Field(False, description="xác nhận các cảnh báo (giảm quá 5%, tổng nhóm lệch)")
    read_at: dt.datetime | None = Field(None, description="server_time của lần đọc: dân số đổi sau đó bị từ chối")


class SavedFigure(Schema):
    code: str
    version: int
    enrolled: int | None
    population: int | None


class PushOut(Schema):
    unit: UnitRef
    month: Month
    changes: int = Field(description="số ô đã thay đổi (mỗi ô một dòng nhật ký)")
    message: str
    communes: list[SavedFigure]
    confirmed: list[Problem] = Field(description="các cảnh báo đã được xác nhận")

"""The one form reader the bench and the load test share: a page's form as a browser posts it."""

from bench.forms import page_form, read_forms

GRID = """
<form action="/i18n/setlang/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="T">
  <input name="language" value="en"><input name="next" value="/"></form>
<form method="post" action="/provinces/12/entry/2026-03/reopen/"><input name="days" value="7"></form>
<form method="post" id="entry-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
  <input type="hidden" name="opened" value="2026-04-02T08:00:00+07:00">
  <input type="hidden" name="03583-version" value="3">
  <input name="03583-population" value="1.663"> <input name="03583-enrolled" value="1.500">
  <input name="03583-g-ns" value=""> <input name="03583-prev" value="1400" readonly>
  <input type="number" name="03549-enrolled" value="">
  <textarea name="03549-note">ghi chú &amp; lý do</textarea>
  <select name="source"><option value="a">A</option><option value="b" selected>B</option></select>
  <input type="checkbox" name="keep" value="1" checked><input type="checkbox" name="off" value="1">
  <input type="checkbox" name="confirm" value="W-KEY">
  <input type="file" name="attachment"> <input name="ignored" disabled value="x">
  <button type="submit" class="primary">Lưu cả bảng</button>
</form>
<form action="/accounts/logout/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="T"></form>
"""


def test_the_pages_own_form_is_the_largest_post_form_that_is_not_on_every_page():
    form = page_form(GRID)
    assert form.action is None and form.method == "post" and not form.multipart
    assert len(read_forms(GRID)) == 4


def test_a_form_is_posted_as_a_browser_would_send_it_unchanged():
    assert page_form(GRID).data() == [
        ("csrfmiddlewaretoken", "TOKEN"),
        ("opened", "2026-04-02T08:00:00+07:00"),
        ("03583-version", "3"),
        ("03583-population", "1.663"),
        ("03583-enrolled", "1.500"),
        ("03583-g-ns", ""),
        ("03583-prev", "1400"),
        ("03549-enrolled", ""),
        ("03549-note", "ghi chú & lý do"),
        ("source", "b"),
        ("keep", "1"),
    ]


def test_typed_cells_replace_what_the_page_held():
    data = dict(page_form(GRID).data({"03583-enrolled": "1501", "03549-enrolled": "900"}))
    assert (data["03583-enrolled"], data["03549-enrolled"], data["03583-version"]) == ("1501", "900", "3")


def test_the_warning_box_is_ticked_only_when_confirming():
    form = page_form(GRID)
    assert form.asks_confirmation
    assert ("confirm", "W-KEY") not in form.data()
    assert ("confirm", "W-KEY") in form.data(confirm=True)
    assert not page_form(GRID.replace('value="W-KEY"', 'value="W-KEY" checked')).asks_confirmation


def test_a_named_button_is_sent_only_when_clicked():
    form = page_form(
        '<form method="post" action="/apply/"><input name="token" value="t">'
        '<button name="confirm" value="1">Xác nhận</button><button name="apply" value="1">Ghi</button>'
        "</form>"
    )
    assert form.submits == [("confirm", "1"), ("apply", "1")]
    assert form.data(submit="apply") == [("token", "t"), ("apply", "1")]
    assert form.data() == [("token", "t")]


def test_a_select_keeps_its_options_and_one_left_empty_is_a_choice_to_make():
    form = page_form(
        '<form method="post"><select name="unit_15"><option value="">— chọn xã —</option>'
        '<option value="7">Xã Thanh An (gần giống nhất)</option><option value="9">Xã Thạnh An</option>'
        '</select><select name="year"><option value="2026" selected>2026</option></select></form>'
    )
    assert [item.name for item in form.unchosen()] == ["unit_15"]
    assert form.unchosen()[0].options == [
        ("", "— chọn xã —"),
        ("7", "Xã Thanh An (gần giống nhất)"),
        ("9", "Xã Thạnh An"),
    ]
    assert form.data() == [("unit_15", ""), ("year", "2026")]


def test_an_upload_form_names_its_files_and_says_multipart():
    form = page_form(
        '<form method="post" enctype="multipart/form-data"><input type="hidden" name="d" value="7">'
        '<input type="file" name="workbook"></form>'
    )
    assert form.multipart and form.files == ["workbook"] and form.data() == [("d", "7")]


def test_a_page_without_a_post_form_posts_to_itself():
    form = page_form('<form method="get"><input name="q" value="x"></form>')
    assert form.action is None and form.data() == []

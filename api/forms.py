"""Naming a new token."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tokens import MAX_ACTIVE_PER_USER, active_tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên khoá"),
        max_length=100,
        strip=True,
        help_text=gettext_lazy("Hệ thống nào dùng khoá, để nhận ra nó trong nhật ký (ví dụ: Đồng bộ BHXH tỉnh)."),
        error_messages={
            "required": gettext_lazy("Đặt tên cho khoá."),
            "max_length": gettext_lazy("Tên dài quá %(limit_value)s ký tự."),
        },
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        tokens = active_tokens(self.user)
        if tokens.filter(name=name).exists():
            raise forms.ValidationError(_("Bạn đã có một khoá đang dùng tên này: chọn tên khác."))
        if tokens.count() >= MAX_ACTIVE_PER_USER:
            raise forms.ValidationError(
                _("Mỗi người có tối đa %(n)s khoá đang dùng: thu hồi một khoá cũ trước.") % {"n": MAX_ACTIVE_PER_USER}
            )
        return name

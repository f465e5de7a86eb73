"""Simplified Chinese first: a visitor reads Chinese unless they chose English themselves.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set up in
English would show English to a Chinese clerk. Here only the language cookie (set by the
language switch) or the session decides; otherwise LANGUAGE_CODE (zh-hans) applies.
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import check_for_language


class ChineseFirstLocaleMiddleware(MiddlewareMixin):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        language = translation.get_supported_language_variant(language)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        response.setdefault("Vary", "Cookie")
        return response

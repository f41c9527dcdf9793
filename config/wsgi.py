import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A worker loads the search analyzer (jieba's dictionary, about a second) when it starts, not on
# its first question.
from hkcq.kb.search import warm  # noqa: E402  # needs the apps loaded above

warm()

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
# WeasyPrint prints the review dossiers with Pango and these fonts; nothing is fetched.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic loads the production settings, which require a signing key: a throwaway one.
RUN python -c "from cryptography.hazmat.primitives import serialization as s; \
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; \
open('/tmp/build-key.pem', 'wb').write(K.generate().private_bytes(\
s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))" \
    && SECRET_KEY=collectstatic-only REDIS_URL=redis://collectstatic-only \
    SIGNING_KEY_FILE=/tmp/build-key.pem python manage.py collectstatic --no-input \
    && rm /tmp/build-key.pem
RUN useradd --create-home imprimatur
USER imprimatur
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN useradd -m case && mkdir -p /app/var /data/media && chown -R case /app/var /data/media
USER case
ENV DJANGO_SETTINGS_MODULE=case_portal.settings
EXPOSE 8000

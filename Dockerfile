FROM python:3.12-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir . && useradd --create-home sandbox
USER sandbox
ENV SANDBOX_HOST=0.0.0.0 SANDBOX_PORT=8000
EXPOSE 8000
CMD ["consolidate-sandbox"]

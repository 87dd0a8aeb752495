# A small release image: the binary, libpq and nothing else.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin korgoo

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin korgoo
COPY --from=build /src/target/release/korgoo /usr/local/bin/korgoo
USER korgoo
ENV KORGOO_BIND=0.0.0.0:8080 \
    KORGOO_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["korgoo"]
CMD ["serve"]

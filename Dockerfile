# syntax=docker/dockerfile:1
# Kotoba: build with the official Swift image, run on Debian slim with only the runtime libraries.
# The Swift standard library and Foundation are linked statically, so the runtime image needs no toolchain:
# `ldd` on a --static-swift-stdlib build lists only libopenblas (with libgfortran), libssl/libcrypto, libz,
# libstdc++, libm and libc.

FROM swift:6.3-bookworm AS build
WORKDIR /src
RUN apt-get update \
    && apt-get install -y --no-install-recommends libopenblas-dev libssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product kotoba --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/kotoba" /out/bin/kotoba \
    && mkdir -p Models \
    && cp -R Config Models /out/

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends libopenblas0 libssl3 zlib1g ca-certificates libstdc++6 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kotoba \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin kotoba
WORKDIR /app
COPY --from=build /out/bin/kotoba /usr/local/bin/kotoba
COPY --from=build --chown=10001:10001 /out/Config /app/Config
COPY --from=build --chown=10001:10001 /out/Models /app/Models
USER 10001:10001
# Listen on every interface inside the container; the file's 127.0.0.1 is for a developer's machine.
# The file comes through KOTOBA_CONFIG so that `kotoba healthcheck` reads the same layers as `serve` and
# speaks HTTPS exactly when the server does (set KOTOBA_TLS_CERT_FILE and KOTOBA_TLS_KEY_FILE, and mount them).
ENV KOTOBA_HOST=0.0.0.0 \
    KOTOBA_PORT=8080 \
    KOTOBA_LOG_FORMAT=json \
    KOTOBA_CONFIG=/app/Config/kotoba.json
EXPOSE 8080
# --insecure: the probe talks to its own process over loopback, whatever name the certificate carries.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["kotoba", "healthcheck", "--path", "/livez", "--insecure"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["kotoba"]
CMD ["serve"]

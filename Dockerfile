# The service image. It runs against a ClickHouse server (clickhouse://…);
# the embedded engine needs libchdb, which this image leaves out to stay small.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/klimatrapport ./cmd/klimatrapport

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 klimatrapport
COPY --from=build /out/klimatrapport /usr/local/bin/klimatrapport
USER klimatrapport
EXPOSE 8080
ENTRYPOINT ["klimatrapport"]
CMD ["serve", "--addr", ":8080"]

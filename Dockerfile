# The handover binary: one image for the api, worker and migrate processes.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/handover ./cmd/handover

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/handover /usr/local/bin/handover
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/handover"]

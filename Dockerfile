# syntax=docker/dockerfile:1
# Quizroom: one static binary (web front end and default bank embedded) in a
# distroless image, running as an unprivileged user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/quizroom ./cmd/quizroom

# static-debian12 has CA certificates and tzdata and no shell: nothing to
# exploit beyond the binary itself. The :nonroot tag runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/quizroom /usr/local/bin/quizroom
USER nonroot:nonroot
ENV QUIZROOM_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/quizroom"]
CMD ["serve"]

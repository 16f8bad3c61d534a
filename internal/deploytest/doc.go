// Package deploytest checks the deployment files at the top of the
// repository (Dockerfile, docker-compose.yml and the Caddyfile inside it)
// against the binary they run: there is no Docker engine on the test
// machines, so the files are kept correct by construction and by these tests,
// which parse them, build cmd/quizroom, read its --help, and call the health
// paths the load balancer uses on a running instance.
//
// Concurrency: tests only; each starts at most one quizroom child process and
// stops it by pid before it returns.
package deploytest

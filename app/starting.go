package app

import (
	"net/http"
	"sync/atomic"
)

// starting is the HTTP handler of an api or worker from the moment it takes its port: while the
// process still waits for its read model and Temporal, /healthz says it is alive (a liveness probe
// must not kill a process that waits as it should), /readyz that it is not ready, and anything else
// is 503 with Retry-After; once serve is called, every request goes to the process's own handler.
type starting struct {
	next atomic.Pointer[http.Handler]
}

func (s *starting) serve(h http.Handler) { s.next.Store(&h) }

func (s *starting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.next.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"starting"}`))
	case "/readyz":
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Service Unavailable","status":503,"code":"unavailable","detail":"not ready: starting"}`))
	default:
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Service Unavailable","status":503,"code":"unavailable","detail":"starting: waiting for the read model and Temporal"}`))
	}
}

package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// httpMetrics counts and times requests by route template, never by raw path, so that IDs do not
// create new series.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "handover_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "handover_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	if inProcess(c) {
		return // a page's read of the JSON API, within the page's request counted under its route
	}
	route := c.FullPath()
	switch {
	case route != "":
	case c.Writer.Status() == http.StatusMethodNotAllowed:
		// A path the API serves, with a method it does not take there: told apart from a path it
		// does not serve (which route it was is not known here: the router found none).
		route = "method_not_allowed"
	default:
		route = "unmatched"
	}
	method := methodLabel(c.Request.Method)
	if headOnly(c.Request.Context()) {
		method = http.MethodHead // answered as a GET, counted as what it was
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

// methodLabel is the method as a label value: HTTP's own methods as they are, any other "other",
// so that requests with made-up methods cannot add series without end (routes are bounded the same
// way, by "unmatched").
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// domainCollector reads the domain figures from the read model at each scrape.
type domainCollector struct {
	store *models.Store
	now   func() time.Time

	open, pending, overdue, escalations, accept *prometheus.Desc
	webhooks, up                                *prometheus.Desc
	paused, pausedLong                          *prometheus.Desc
}

// acceptWindow is how far back the time-to-accept histogram looks.
const acceptWindow = 24 * time.Hour

func newDomainCollector(store *models.Store, now func() time.Time) *domainCollector {
	return &domainCollector{
		store:       store,
		now:         now,
		open:        prometheus.NewDesc("handover_actions_open", "Open actions by status.", []string{"status"}, nil),
		pending:     prometheus.NewDesc("handover_handovers_pending", "Handovers awaiting acceptance.", nil, nil),
		overdue:     prometheus.NewDesc("handover_actions_overdue", "Open actions past their due time.", nil, nil),
		paused:      prometheus.NewDesc("handover_actions_paused", "Open actions paused now, waiting on the customer.", nil, nil),
		pausedLong:  prometheus.NewDesc("handover_actions_paused_longest_seconds", "How long the action paused longest has been paused (0 when none is): one waiting on a customer who never answered.", nil, nil),
		escalations: prometheus.NewDesc("handover_escalations_total", "Escalations by the kind of their reason: not_assigned, not_accepted, not_checked, no_action, not_done, by_hand.", []string{"reason"}, nil),
		accept:      prometheus.NewDesc("handover_time_to_accept_seconds", "Time from a handover to its acceptance, for handovers accepted in the last 24 hours.", nil, nil),
		webhooks:    prometheus.NewDesc("handover_webhooks_failing", "Webhook deliveries that failed and have not got through since: being retried, or given up after a day (`handover admin webhooks redeliver` sends them again).", nil, nil),
		up:          prometheus.NewDesc("handover_read_model_up", "1 when the read model answered this scrape's figures, 0 when it did not (they are missing then).", nil, nil),
	}
}

func (d *domainCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{d.open, d.pending, d.overdue, d.paused, d.pausedLong, d.escalations, d.accept, d.webhooks, d.up} {
		ch <- desc
	}
}

var escalationReasons = []string{
	workflows.EscalationNotAssigned, workflows.EscalationNotAccepted, workflows.EscalationNotChecked,
	workflows.EscalationNoAction, workflows.EscalationNotDone, workflows.EscalationByHand,
}

var acceptBuckets = []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200}

func (d *domainCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := d.now()
	f, err := d.store.Figures(ctx, now, now.Add(-acceptWindow))
	// A part that is down is a gauge at 0, not a failed scrape: the other metrics (HTTP, Go, the
	// SDK's, the workers) are what an operator needs most during an outage.
	ch <- prometheus.MustNewConstMetric(d.up, prometheus.GaugeValue, upValue(err))
	if err != nil {
		return
	}
	for _, status := range workflows.OpenStatuses() {
		ch <- prometheus.MustNewConstMetric(d.open, prometheus.GaugeValue, float64(f.OpenByStatus[string(status)]), string(status))
	}
	ch <- prometheus.MustNewConstMetric(d.pending, prometheus.GaugeValue, float64(f.HandoversPending))
	ch <- prometheus.MustNewConstMetric(d.overdue, prometheus.GaugeValue, float64(f.Overdue))
	ch <- prometheus.MustNewConstMetric(d.paused, prometheus.GaugeValue, float64(f.Paused))
	longest := 0.0
	if f.OldestPausedAt != nil {
		longest = max(now.Sub(*f.OldestPausedAt).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(d.pausedLong, prometheus.GaugeValue, longest)
	ch <- prometheus.MustNewConstMetric(d.webhooks, prometheus.GaugeValue, float64(f.WebhooksUndelivered))
	// Every kind of reason from the start, at 0 until its first escalation, so that a rate over
	// it has a series to start from; then any other kind the events hold.
	counts := map[string]int64{}
	for _, e := range f.Escalations {
		counts[e.Reason] += e.Count
	}
	for _, reason := range escalationReasons {
		ch <- prometheus.MustNewConstMetric(d.escalations, prometheus.CounterValue, float64(counts[reason]), reason)
		delete(counts, reason)
	}
	for reason, n := range counts {
		ch <- prometheus.MustNewConstMetric(d.escalations, prometheus.CounterValue, float64(n), reason)
	}
	buckets := make(map[float64]uint64, len(acceptBuckets))
	var sum float64
	for _, s := range f.AcceptSeconds {
		sum += s
		for _, b := range acceptBuckets {
			if s <= b {
				buckets[b]++
			}
		}
	}
	ch <- prometheus.MustNewConstHistogram(d.accept, uint64(len(f.AcceptSeconds)), sum, buckets)
}

// workerCollector counts the workers Temporal has seen polling the action task queue lately, at
// each scrape. The api's readiness does not depend on workers (reads work without them), so this
// gauge at zero is how an operator hears that commands are waiting for one.
type workerCollector struct {
	temporal    client.Client
	workers, up *prometheus.Desc
}

func newWorkerCollector(c client.Client) *workerCollector {
	return &workerCollector{temporal: c, workers: prometheus.NewDesc("handover_workers",
		"Workers that polled the action task queue for workflow tasks in the last 90 s, as Temporal saw them.", []string{"task_queue"}, nil),
		up: prometheus.NewDesc("handover_temporal_up", "1 when Temporal answered this scrape's look-up of the workers, 0 when it did not.", nil, nil)}
}

func (w *workerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- w.workers; ch <- w.up }

func (w *workerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := liveWorkers(ctx, w.temporal)
	ch <- prometheus.MustNewConstMetric(w.up, prometheus.GaugeValue, upValue(err))
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(w.workers, prometheus.GaugeValue, float64(n), workflows.TaskQueue)
}

// upValue is an up gauge's value after a look-up that failed with err, or not.
func upValue(err error) float64 {
	if err != nil {
		return 0
	}
	return 1
}

func metricsHandler(reg *prometheus.Registry, token string) gin.HandlerFunc {
	// A collector's error leaves its metrics out and serves the rest, rather than a 500 with the
	// error's text (a database address, say) to whoever scrapes.
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorHandling: promhttp.ContinueOnError})
	return gin.WrapH(MetricsGuard(token, h))
}

// MetricsGuard serves h (a /metrics) only to a scrape that sends "Authorization: Bearer token"
// (HANDOVER_METRICS_TOKEN, as Prometheus's authorization setting sends it), and anyone else a
// 401; with no token, to anyone, as behind a reverse proxy that keeps /metrics to Prometheus.
func MetricsGuard(token string, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			body, _ := json.Marshal(problem{
				Type: "about:blank", Title: http.StatusText(http.StatusUnauthorized), Status: http.StatusUnauthorized, Code: codeUnauthorized,
				Detail: "metrics are served to a scrape that sends Authorization: Bearer <the token of HANDOVER_METRICS_TOKEN>",
			})
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write(body)
			return
		}
		h.ServeHTTP(w, r)
	})
}

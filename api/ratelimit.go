package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// RateLimit bounds each caller's requests: Rate per second on average, Burst at once. A zero Rate
// turns limiting off.
type RateLimit struct {
	Rate  float64
	Burst int
}

// limiters holds one token bucket per caller.
type limiters struct {
	cfg RateLimit
	mu  sync.Mutex
	by  map[string]*rate.Limiter
}

func (l *limiters) get(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.by[key]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst)
		l.by[key] = lim
	}
	return lim
}

// limit answers 429 with Retry-After when the caller has spent their budget.
func (s *server) limit(c *gin.Context) {
	if s.limiters.cfg.Rate <= 0 {
		c.Next()
		return
	}
	r := s.limiters.get(principal(c).ID).Reserve()
	if delay := r.Delay(); delay > 0 {
		r.Cancel()
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(delay.Seconds()))))
		writeProblem(c, http.StatusTooManyRequests, "too many requests from you (all your tokens and sessions together): retry after the given seconds", nil)
		return
	}
	c.Next()
}

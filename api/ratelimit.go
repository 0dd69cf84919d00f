package api

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

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
	now := s.Now()
	lim := s.limiters.get(principal(c).ID)
	r := lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now)
	}
	s.limiters.tell(c, lim.TokensAt(now))
	if delay > 0 {
		c.Header("Retry-After", strconv.Itoa(retrySeconds(delay)))
		writeProblem(c, http.StatusTooManyRequests, codeRateLimited, "too many requests from you (all your tokens and sessions together): retry after the given seconds", nil)
		return
	}
	c.Next()
}

// tell says the caller's budget on every answer, as the IETF's RateLimit header fields draft
// (version 7) names it: the requests they may make at once (the burst), how many of those are
// left after this one, and the seconds until all are back. A client paces itself by them rather
// than learning the limit from a 429.
func (l *limiters) tell(c *gin.Context, left float64) {
	left = max(left, 0)
	c.Header("RateLimit-Limit", strconv.Itoa(l.cfg.Burst))
	c.Header("RateLimit-Remaining", strconv.Itoa(int(math.Floor(left))))
	c.Header("RateLimit-Reset", strconv.Itoa(int(math.Ceil((float64(l.cfg.Burst)-left)/l.cfg.Rate))))
}

// Failed authentication is bounded per client address, whenever rate limiting is on: failBurst
// failures at once, then one every failEvery. Past that budget the address's requests are answered
// 429 before any token is looked up, so a flood of guessed or revoked tokens costs the read model a
// few look-ups a second. A caller who authenticates is not counted, and a token that authenticated
// lately (authMemory) is still looked up: a client looping on a revoked token does not lock out the
// others behind the same address (a proxy, an office). The API's bearer tokens and the web UI's
// sign-in have a budget each, so neither locks the other out.
const (
	failBurst = 60
	failEvery = 200 * time.Millisecond
	// failKeep is how many addresses are remembered. Past it, those back to a full budget are
	// forgotten (at most every failSweep), then any, down to nine tenths.
	failKeep  = 10000
	failSweep = 10 * time.Second
)

// failures holds one budget of failed authentications per client address.
type failures struct {
	mu    sync.Mutex
	by    map[string]*rate.Limiter
	swept time.Time
}

// failKey is the budget a client address counts against: an IPv6 address by its /64, the block one
// host is given, so that a host cannot take a fresh budget with each of its addresses.
func failKey(kind, addr string) string {
	if ip, err := netip.ParseAddr(addr); err == nil && ip.Is6() && !ip.Is4In6() {
		if p, err := ip.Prefix(64); err == nil {
			return kind + p.String()
		}
	}
	return kind + addr
}

// wait is how long the address must wait before it may try again; zero when it may now.
func (f *failures) wait(key string, now time.Time) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	lim, ok := f.by[key]
	if !ok {
		return 0
	}
	if tokens := lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) * float64(failEvery))
	}
	return 0
}

// failed spends one of the address's failures.
func (f *failures) failed(key string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.by == nil {
		f.by = map[string]*rate.Limiter{}
	}
	if _, ok := f.by[key]; !ok && len(f.by) >= failKeep && now.Sub(f.swept) >= failSweep {
		f.swept = now
		for k, lim := range f.by {
			if lim.TokensAt(now) >= failBurst {
				delete(f.by, k)
			}
		}
		for k := range f.by { // map order is random: no address can count on being kept
			if len(f.by) < failKeep*9/10 {
				break
			}
			delete(f.by, k)
		}
	}
	lim, ok := f.by[key]
	if !ok {
		lim = rate.NewLimiter(rate.Every(failEvery), failBurst)
		f.by[key] = lim
	}
	lim.AllowN(now, 1)
}

// Budgets of failed authentications: each is counted per client address.
const (
	failBearer = "bearer:"
	failSignIn = "signin:"
)

// failWait is how long the request's address must wait before another authentication of that
// kind may fail; zero when it may now, or with rate limiting off.
func (s *server) failWait(c *gin.Context, kind string) time.Duration {
	if s.limiters.cfg.Rate <= 0 {
		return 0
	}
	return s.failures.wait(failKey(kind, c.ClientIP()), s.Now())
}

// authFailed counts a failed authentication of that kind against the request's address.
func (s *server) authFailed(c *gin.Context, kind string) {
	if s.limiters.cfg.Rate > 0 {
		s.failures.failed(failKey(kind, c.ClientIP()), s.Now())
	}
}

// retrySeconds is a wait as Retry-After says it: whole seconds, rounded up.
func retrySeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

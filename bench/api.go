package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/handover/handover/models"
)

// apiClient drives the HTTP API as two members of staff: the owner who creates and hands over,
// and the recipient who accepts and completes.
type apiClient struct {
	base           string
	ownerID        string
	ownerToken     string
	recipientToken string
	recipientID    string
	http           *http.Client
}

// actionAnswer is what the bench reads of an action in an API answer.
type actionAnswer struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	Version         int64  `json:"version"`
	EscalationLevel int    `json:"escalation_level"`
	PendingHandover *struct {
		RequestedAt time.Time `json:"requested_at"`
	} `json:"pending_handover"`
}

func (c *apiClient) post(ctx context.Context, path, token string, body any, want int) (actionAnswer, error) {
	out, err := send(ctx, c.http, http.MethodPost, c.base+"/api/v1"+path, token, body, want)
	if err != nil {
		return actionAnswer{}, err
	}
	var a actionAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return actionAnswer{}, fmt.Errorf("POST %s: decoding answer: %w", path, err)
	}
	return a, nil
}

func (c *apiClient) handover(ctx context.Context, id, acceptWithin string) (actionAnswer, error) {
	body := map[string]any{
		"to_id": c.recipientID, "reason": "shift ends", "method": "written", "situation": "routine",
		"notes": map[string]any{"summary": "Guest waits for a call back", "next_steps": "call the guest"},
	}
	if acceptWithin != "" {
		body["accept_within"] = acceptWithin
	}
	return c.post(ctx, "/actions/"+id+"/handover", c.ownerToken, body, http.StatusOK)
}

func (c *apiClient) accept(ctx context.Context, id string) (actionAnswer, error) {
	return c.post(ctx, "/actions/"+id+"/accept", c.recipientToken, map[string]any{"summary": "I call the guest back"}, http.StatusOK)
}

func (c *apiClient) complete(ctx context.Context, id string) (actionAnswer, error) {
	return c.post(ctx, "/actions/"+id+"/complete", c.recipientToken, map[string]any{"outcome": "called back, resolved"}, http.StatusOK)
}

// apiLifecycle runs one lifecycle through the API. After each write it polls the read model
// itself (not the API) until it shows the version the write answered with.
func (r *runner) apiLifecycle(ctx context.Context, n int) (finished, error) {
	steps := []func(id string) (actionAnswer, error){
		nil, // create
		func(id string) (actionAnswer, error) { return r.api.handover(ctx, id, "") },
		func(id string) (actionAnswer, error) { return r.api.accept(ctx, id) },
		func(id string) (actionAnswer, error) { return r.api.complete(ctx, id) },
	}
	var id string
	var last actionAnswer
	for i, step := range steps {
		begin := time.Now()
		var (
			a   actionAnswer
			err error
		)
		if i == 0 {
			a, err = r.api.createOwned(ctx, fmt.Sprintf("%s-%d", r.runID, n), "4h")
			id = a.ID
		} else {
			a, err = step(id)
		}
		if err != nil {
			return finished{}, err
		}
		answered := time.Now()
		r.apiLat.add(answered.Sub(begin))
		if err := r.waitVersion(ctx, a.ID, a.Version, answered); err != nil {
			return finished{}, err
		}
		last = a
	}
	if last.Status != "completed" {
		return finished{}, fmt.Errorf("action %s ended %s, not completed", id, last.Status)
	}
	return finished{ID: id, Version: last.Version}, nil
}

// createOwned creates an action owned by the owner, due after dueIn.
func (c *apiClient) createOwned(ctx context.Context, ref, dueIn string) (actionAnswer, error) {
	return c.post(ctx, "/actions", c.ownerToken, map[string]any{
		"title": "Call back about the bill " + ref, "category": "request", "priority": "normal", "due_in": dueIn,
		"customer": map[string]any{"ref": ref, "name": "Bench guest", "contact": "bench@example.invalid"},
		"details":  "Created by handover bench.", "owner_id": c.ownerID,
	}, http.StatusCreated)
}

// waitVersion polls the read model until the action shows at least version, and records how long
// after the write's answer that was.
func (r *runner) waitVersion(ctx context.Context, id string, version int64, since time.Time) error {
	for {
		var row models.Action
		err := r.store.DB().WithContext(ctx).Select("version").Where("id = ?", id).Take(&row).Error
		if err == nil && row.Version >= version {
			r.lagLat.add(time.Since(since))
			return nil
		}
		if time.Since(since) > 30*time.Second {
			return fmt.Errorf("action %s: read model did not show version %d within 30s (err %v)", id, version, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// send makes one request to the API as the bearer of token, with body as JSON unless it is nil,
// and returns the answer's body, or an error when its status is not want.
func send(ctx context.Context, hc *http.Client, method, url, token string, body any, want int) ([]byte, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading answer: %w", method, url, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, url, resp.StatusCode, want, out)
	}
	return out, nil
}

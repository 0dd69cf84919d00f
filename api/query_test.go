package api

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/api/serviceerror"
)

func TestAskAgainRetriesOnlyAFailedQuery(t *testing.T) {
	replayFailed := serviceerror.NewQueryFailed("invalid state transition")
	cases := []struct {
		name      string
		errs      []error // what each call answers; the last repeats
		wantCalls int
		wantErr   error
	}{
		{"answered at once", []error{nil}, 1, nil},
		{"answered on the second try", []error{replayFailed, nil}, 2, nil},
		{"answered on the third try", []error{replayFailed, replayFailed, nil}, 3, nil},
		{"never answered", []error{replayFailed}, 3, replayFailed},
		{"not found is not asked again", []error{serviceerror.NewNotFound("gone")}, 1, serviceerror.NewNotFound("gone")},
		{"unavailable is not asked again", []error{serviceerror.NewUnavailable("down")}, 1, serviceerror.NewUnavailable("down")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			v, err := askAgain(context.Background(), func() (int, error) {
				e := tc.errs[min(calls, len(tc.errs)-1)]
				calls++
				if e != nil {
					return 0, e
				}
				return 7, nil
			})
			if calls != tc.wantCalls {
				t.Fatalf("calls = %d, want %d", calls, tc.wantCalls)
			}
			if tc.wantErr == nil {
				if err != nil || v != 7 {
					t.Fatalf("got %d, %v; want 7, nil", v, err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr.Error() {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestAskAgainStopsWhenTheCallerGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := askAgain(ctx, func() (int, error) {
		calls++
		cancel()
		return 0, serviceerror.NewQueryFailed("invalid state transition")
	})
	var failed *serviceerror.QueryFailed
	if calls != 1 || !errors.As(err, &failed) {
		t.Fatalf("calls = %d, err = %v; want one call and its QueryFailed", calls, err)
	}
}

package calendar_test

import (
	"testing"
	"time"
)

// The cost of one deadline: the workflow computes one for every timer it sets.
func BenchmarkAdd(b *testing.B) {
	c := officeHours()
	snap, err := c.Snapshot(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 3*366*24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	k, err := snap.Compile()
	if err != nil {
		b.Fatal(err)
	}
	friday := time.Date(2026, 11, 20, 19, 30, 0, 0, time.UTC)
	b.Run("friday evening plus 2h", func(b *testing.B) {
		for b.Loop() {
			k.Add(friday, 2*time.Hour)
		}
	})
	b.Run("plus 100h", func(b *testing.B) {
		for b.Loop() {
			k.Add(friday, 100*time.Hour)
		}
	})
	b.Run("between a week", func(b *testing.B) {
		for b.Loop() {
			k.Between(friday, friday.Add(7*24*time.Hour))
		}
	})
}

// Compile runs once per workflow (the compiled clock is kept in its state); Snapshot once per
// created action, in the API.
func BenchmarkCompileAndSnapshot(b *testing.B) {
	c := officeHours()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	snap, err := c.Snapshot(from, 3*366*24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("compile snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := snap.Compile(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("snapshot 3 years", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Snapshot(from, 3*366*24*time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}

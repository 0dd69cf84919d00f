package pii_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/pii"
)

func TestSealOpenAndErase(t *testing.T) {
	t.Parallel()
	eachSealer(t, func(t *testing.T, s *pii.Sealer) {
		ctx := context.Background()

		name, contact, empty := "Ms Patel", "+44 7700 900123", ""
		require.NoError(t, s.Seal(ctx, "G-1", &name, &contact, &empty))
		require.True(t, pii.IsSealed(name))
		require.NotContains(t, name+contact, "Patel")
		require.Empty(t, empty, "nothing to seal stays empty")
		sealedOnce := name
		require.NoError(t, s.Seal(ctx, "G-1", &name))
		require.Equal(t, sealedOnce, name, "sealing twice leaves the sealed value")
		other := "Mr Jones"
		require.NoError(t, s.Seal(ctx, "G-2", &other))

		o := s.Opener(ctx)
		require.NoError(t, o.OpenAll(&name, &contact))
		require.Equal(t, "Ms Patel", name)
		require.Equal(t, "+44 7700 900123", contact)
		plain, err := o.Open("not sealed at all")
		require.NoError(t, err)
		require.Equal(t, "not sealed at all", plain)

		// A tampered value, and one under a key this store never had, read as erased.
		tampered := sealedOnce[:len(sealedOnce)-2] + "AA"
		got, err := s.Opener(ctx).Open(tampered)
		require.NoError(t, err)
		require.Equal(t, pii.Erased, got)

		// JSON documents are opened wherever a sealed string sits in them.
		doc, err := s.Opener(ctx).OpenJSON([]byte(`{"customer":{"name":"` + sealedOnce + `"},"list":["` + other + `"]}`))
		require.NoError(t, err)
		require.JSONEq(t, `{"customer":{"name":"Ms Patel"},"list":["Mr Jones"]}`, string(doc))

		_, err = s.Store.EraseCustomer(ctx, "G-1", "root")
		require.NoError(t, err)
		got, err = s.Opener(ctx).Open(sealedOnce)
		require.NoError(t, err)
		require.Equal(t, pii.Erased, got)
		got, err = s.Opener(ctx).Open(other)
		require.NoError(t, err)
		require.Equal(t, "Mr Jones", got, "another customer's data is untouched")
		// Opened together (keys loaded in one query), each reads as it should.
		erasedCopy, otherCopy, unknown := sealedOnce, other, "pii:v1:no-such-key:AAAA"
		require.NoError(t, s.Opener(ctx).OpenAll(&erasedCopy, &otherCopy, &unknown))
		require.Equal(t, []string{pii.Erased, "Mr Jones", pii.Erased}, []string{erasedCopy, otherCopy, unknown})

		// A new value for the erased customer is sealed under a new key.
		again := "Ms Patel"
		require.NoError(t, s.Seal(ctx, "G-1", &again))
		require.NotEqual(t, strings.Split(sealedOnce, ":")[2], strings.Split(again, ":")[2])
		got, err = s.Opener(ctx).Open(again)
		require.NoError(t, err)
		require.Equal(t, "Ms Patel", got)

		// Another process key cannot unwrap the customer keys.
		foreign, err := codec.NewKeyring(codec.NewKey())
		require.NoError(t, err)
		_, err = (&pii.Sealer{Keys: foreign, Store: s.Store}).Opener(ctx).Open(again)
		require.ErrorIs(t, err, codec.ErrUnknownKey)
	})
}

// A process whose keys cannot open the customer keys already stored is told so before it serves:
// with another key it fails, with the old key named as an old one it passes.
func TestCheckFindsAForeignKey(t *testing.T) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := modelstest.Open(t, b.URL(t))
			original := codec.NewKey()
			keys, err := codec.NewKeyring(original)
			require.NoError(t, err)
			s := &pii.Sealer{Keys: keys, Store: store}
			require.NoError(t, s.Check(ctx), "nothing sealed yet")
			name := "Ms Patel"
			require.NoError(t, s.Seal(ctx, "G-1", &name))
			require.NoError(t, s.Check(ctx))

			other, err := codec.NewKeyring(codec.NewKey())
			require.NoError(t, err)
			err = (&pii.Sealer{Keys: other, Store: store}).Check(ctx)
			require.ErrorContains(t, err, "cannot open the customer keys")
			var keyErr *pii.KeyError
			require.ErrorAs(t, err, &keyErr, "the keys are wrong, not the database: a start names the key's variable")
			require.ErrorContains(t, err, "HANDOVER_ENCRYPTION_OLD_KEYS")
			require.ErrorContains(t, err, "1 customer key is wrapped by encryption key "+keys.CurrentKeyID()+", which this process does not hold",
				"naming the key and how many customers need it")

			rotated, err := codec.NewKeyring(codec.NewKey(), original)
			require.NoError(t, err)
			require.NoError(t, (&pii.Sealer{Keys: rotated, Store: store}).Check(ctx), "the old key still opens them")
		})
	}
}

// A rotation: customers sealed under the first key stay readable while it is an old key; a process
// that no longer holds it refuses to start, naming it (not only when the newest customer key is
// the first key's); rewrap-keys moves every live key to the current key, after which the first key
// can go. An erased customer stays erased.
func TestRotationAndRewrap(t *testing.T) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			first, second := codec.NewKey(), codec.NewKey()
			store := modelstest.Open(t, b.URL(t))
			before, err := codec.NewKeyring(first)
			require.NoError(t, err)
			old := &pii.Sealer{Keys: before, Store: store}
			patel, jones, gone := "Ms Patel", "Mr Jones", "Mrs Gone"
			require.NoError(t, old.Seal(ctx, "G-1", &patel))
			require.NoError(t, old.Seal(ctx, "G-2", &jones))
			require.NoError(t, old.Seal(ctx, "G-3", &gone))
			_, err = store.EraseCustomer(ctx, "G-3", "root")
			require.NoError(t, err)

			// Rotated: the second key is current, the first an old key; a new customer's key is
			// the second's, so the newest key opens with it alone.
			rotated, err := codec.NewKeyring(second, first)
			require.NoError(t, err)
			s := &pii.Sealer{Keys: rotated, Store: store}
			lee := "Dr Lee"
			require.NoError(t, s.Seal(ctx, "G-4", &lee))
			require.NoError(t, s.Check(ctx))
			secondOnly, err := codec.NewKeyring(second)
			require.NoError(t, err)
			err = (&pii.Sealer{Keys: secondOnly, Store: store}).Check(ctx)
			require.ErrorContains(t, err, "in the read model 2 customer keys are wrapped by encryption key "+before.CurrentKeyID())

			row := models.Action{ID: "a-g1", Title: "Late checkout", Status: "assigned", CustomerRef: "G-1", CustomerName: patel, Version: 2}
			require.NoError(t, store.ApplyProjection(ctx, row, nil))
			n, err := s.Rewrap(ctx)
			require.NoError(t, err)
			require.Equal(t, 2, n, "G-1 and G-2; G-3 was erased, G-4 is the second key's already")
			pending, err := store.PendingCustomerSearch(ctx, 10)
			require.NoError(t, err)
			require.Equal(t, []models.PendingCustomer{{ActionID: "a-g1", Version: 2, Name: patel}}, pending, "indexed again under the current key")
			n, err = s.Rewrap(ctx)
			require.NoError(t, err)
			require.Zero(t, n, "nothing left to do")

			after := &pii.Sealer{Keys: secondOnly, Store: store}
			require.NoError(t, after.Check(ctx), "the first key is no longer needed")
			o := after.Opener(ctx)
			require.NoError(t, o.OpenAll(&patel, &jones, &lee))
			require.Equal(t, []string{"Ms Patel", "Mr Jones", "Dr Lee"}, []string{patel, jones, lee})
			erased, err := after.Opener(ctx).Open(gone)
			require.NoError(t, err)
			require.Equal(t, pii.Erased, erased)
		})
	}
}

// A digest of a request holding personal data is keyed by the customer's key: the same for the
// same data while the key lives, unlike a plain hash not to be guessed back without the key, and
// never the same again once the customer is erased.
func TestDigest(t *testing.T) {
	t.Parallel()
	eachSealer(t, func(t *testing.T, s *pii.Sealer) {
		ctx := context.Background()
		body := []byte(`create` + "\x00" + `{"customer":{"name":"Ms Patel","contact":"+44 7700 900123"}}`)

		first, err := s.Customer("G-1").Digest(ctx, body)
		require.NoError(t, err)
		plain := sha256.Sum256(body)
		require.NotContains(t, first, hex.EncodeToString(plain[:]))
		// One key serves a request's seals and digests: read once, the same key for both.
		k := s.Customer("G-1")
		again, err := k.Digest(ctx, body)
		require.NoError(t, err)
		require.Equal(t, first, again, "the same data, the same digest")
		name := "Ms Patel"
		require.NoError(t, k.Seal(ctx, &name))
		opened, err := s.Opener(ctx).Open(name)
		require.NoError(t, err)
		require.Equal(t, "Ms Patel", opened)
		otherData, err := s.Customer("G-1").Digest(ctx, append(body, ' '))
		require.NoError(t, err)
		require.NotEqual(t, first, otherData)
		otherCustomer, err := s.Customer("G-2").Digest(ctx, body)
		require.NoError(t, err)
		require.NotEqual(t, first, otherCustomer, "each customer's key its own")

		_, err = s.Store.EraseCustomer(ctx, "G-1", "root")
		require.NoError(t, err)
		after, err := s.Customer("G-1").Digest(ctx, body)
		require.NoError(t, err)
		require.NotEqual(t, first, after, "a new key after the erasure: the old digest is not made again")
	})
}

// eachSealer runs fn, in parallel, on each backend with a sealer of a key of its own over a fresh
// read model.
// The data sealed under a blank reference (" ", which an earlier release took) can be erased; no
// reference at all is no customer.
func TestEraseABlankReference(t *testing.T) {
	t.Parallel()
	eachSealer(t, func(t *testing.T, s *pii.Sealer) {
		ctx := context.Background()
		name := "Guest One"
		require.NoError(t, s.Seal(ctx, " ", &name))
		_, err := s.Store.EraseCustomer(ctx, "", "root")
		require.ErrorIs(t, err, models.ErrNotFound)
		er, err := s.Store.EraseCustomer(ctx, " ", "root")
		require.NoError(t, err)
		require.Equal(t, int64(1), er.KeysDestroyed)
		got, err := s.Opener(ctx).Open(name)
		require.NoError(t, err)
		require.Equal(t, pii.Erased, got)
	})
}

func eachSealer(t *testing.T, fn func(t *testing.T, s *pii.Sealer)) {
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			keys, err := codec.NewKeyring(codec.NewKey())
			require.NoError(t, err)
			fn(t, &pii.Sealer{Keys: keys, Store: modelstest.Open(t, b.URL(t))})
		})
	}
}

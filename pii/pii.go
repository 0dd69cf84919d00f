// Package pii seals customers' personal data with a data key of each customer's own, before the
// data enters a workflow, so that erasing a customer (destroying the key) makes every copy
// unreadable: in Temporal's histories, in the read model's timeline and in backups alike, without
// changing any of them. The keys live in the read model, wrapped by the process encryption key.
//
// What counts as personal data is listed in Fields; everything else (titles, handover reasons,
// summaries of work) is about the work and stays readable in the audit trail.
package pii

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
)

// Fields names the personal data handover seals: the customer's name and contact, what a handover
// says about the customer (notes.customer_context) and what is sent to them (customer_message on
// handovers and completions, and the customer_told events that carry it).
var Fields = []string{
	"customer.name", "customer.contact", "handover.notes.customer_context",
	"handover.customer_message", "complete.customer_message",
}

// prefix marks a sealed value: "pii:v1:<key id>:<base64url(nonce||ciphertext)>".
const prefix = "pii:v1:"

// Erased is shown in place of data whose customer was erased.
const Erased = models.Erased

// IsSealed reports whether v is a sealed value.
func IsSealed(v string) bool { return strings.HasPrefix(v, prefix) }

// Sealer seals and opens customers' personal data.
type Sealer struct {
	Keys  *codec.Keyring
	Store *models.Store
}

// ActionKeyPrefix begins the key owner of a customer who gave no reference: "action:<action ID>".
// No customer reference may begin with it, or the two would share a key.
const ActionKeyPrefix = "action:"

// KeyRef is the key owner of an action's customer data: the customer's ref, or for an action
// without a customer ref a key of the action's own.
func KeyRef(customerRef, actionID string) string {
	if customerRef != "" {
		return customerRef
	}
	return ActionKeyPrefix + actionID
}

// Seal replaces each non-empty value with its sealed form under the customer's live key,
// creating the key on first use. Already sealed values are left alone.
func (s *Sealer) Seal(ctx context.Context, ref string, values ...*string) error {
	return s.Customer(ref).Seal(ctx, values...)
}

// Customer is one customer's live key for the seals and digests of one request: read, or made,
// once, when first needed.
type Customer struct {
	s    *Sealer
	ref  string
	id   string
	raw  []byte
	aead cipher.AEAD
}

// Customer returns the key of the customer ref (see KeyRef), not yet read.
func (s *Sealer) Customer(ref string) *Customer { return &Customer{s: s, ref: ref} }

func (c *Customer) load(ctx context.Context) error {
	_, err := c.read(ctx, true)
	return err
}

// read reads the customer's live key once, making one when there is none and create is set; false
// when there is none (and it was not to be made).
func (c *Customer) read(ctx context.Context, create bool) (bool, error) {
	if c.aead != nil {
		return true, nil
	}
	id, raw, err := c.s.liveRaw(ctx, c.ref, create)
	if err != nil || raw == nil {
		return false, err
	}
	aead, err := gcm(raw)
	if err != nil {
		return false, err
	}
	c.id, c.raw, c.aead = id, raw, aead
	return true, nil
}

// Seal replaces each non-empty value with its sealed form under the customer's key. Already
// sealed values are left alone.
func (c *Customer) Seal(ctx context.Context, values ...*string) error {
	for _, v := range values {
		if *v == "" || IsSealed(*v) {
			continue
		}
		if err := c.load(ctx); err != nil {
			return err
		}
		nonce := make([]byte, c.aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return fmt.Errorf("reading random bytes: %w", err)
		}
		sealed := c.aead.Seal(nonce, nonce, []byte(*v), []byte(c.id))
		*v = prefix + c.id + ":" + base64.RawURLEncoding.EncodeToString(sealed)
	}
	return nil
}

// Digest is a keyed hash of data that holds the customer's personal data: the same for the same
// data while the customer's key lives, and, unlike a plain hash, no way back to the data for
// whoever lacks the key; once the customer is erased, for anyone. A request's hash (to tell a
// retry from a reused Idempotency-Key) is one, so it cannot be guessed back to a name or a phone
// number from the read model or a workflow history.
func (c *Customer) Digest(ctx context.Context, data []byte) (string, error) {
	if err := c.load(ctx); err != nil {
		return "", err
	}
	return c.digest(data), nil
}

// DigestIfKeyed is Digest under the customer's live key, without making one when there is none
// (false): a request that may yet be refused must not give a customer a key, least of all one
// erased.
func (c *Customer) DigestIfKeyed(ctx context.Context, data []byte) (string, bool, error) {
	found, err := c.read(ctx, false)
	if err != nil || !found {
		return "", false, err
	}
	return c.digest(data), true, nil
}

func (c *Customer) digest(data []byte) string {
	derive := hmac.New(sha256.New, c.raw)
	derive.Write([]byte("handover request digest v1"))
	mac := hmac.New(sha256.New, derive.Sum(nil))
	mac.Write(data)
	return "k1:" + hex.EncodeToString(mac.Sum(nil))
}

// liveRaw returns the ID and raw bytes of the customer's live key, creating it if there is none
// and create is set (else no bytes).
func (s *Sealer) liveRaw(ctx context.Context, ref string, create bool) (string, []byte, error) {
	k, err := s.Store.LiveCustomerKey(ctx, ref)
	if errors.Is(err, models.ErrNotFound) && !create {
		return "", nil, nil
	}
	if errors.Is(err, models.ErrNotFound) {
		raw := make([]byte, codec.KeySize)
		if _, err := rand.Read(raw); err != nil {
			return "", nil, fmt.Errorf("reading random bytes: %w", err)
		}
		id := uuid.NewString()
		wrapKeyID, w := s.wrap(id, raw)
		k, err = s.Store.CreateCustomerKey(ctx, models.CustomerKey{ID: id, CustomerRef: ref, WrapKeyID: wrapKeyID, Wrapped: &w})
		if err == nil && k.ID == id {
			return id, raw, nil
		}
	}
	if err != nil {
		return "", nil, err
	}
	if create {
		// New data is sealed with it: in use, so not one a retention period has run out for.
		if err := s.Store.TouchCustomerKey(ctx, k.ID, time.Now()); err != nil {
			return "", nil, err
		}
	}
	raw, err := s.openRaw(k)
	return k.ID, raw, err
}

// wrap seals a customer key's raw bytes with the current encryption key, bound to the key's ID:
// the wrapping key's ID and the wrapped key as stored.
func (s *Sealer) wrap(id string, raw []byte) (string, string) {
	wrapKeyID, wrapped := s.Keys.Seal(raw, []byte(id))
	return wrapKeyID, base64.StdEncoding.EncodeToString(wrapped)
}

// openRaw unwraps a live customer key's raw bytes.
func (s *Sealer) openRaw(k models.CustomerKey) ([]byte, error) {
	if k.Wrapped == nil {
		return nil, errDestroyed
	}
	wrapped, err := base64.StdEncoding.DecodeString(*k.Wrapped)
	if err != nil {
		return nil, fmt.Errorf("customer key %s: %w", k.ID, err)
	}
	raw, err := s.Keys.Open(k.WrapKeyID, wrapped, []byte(k.ID))
	if err != nil {
		return nil, fmt.Errorf("customer key %s: %w", k.ID, err)
	}
	return raw, nil
}

func (s *Sealer) unwrap(k models.CustomerKey) (cipher.AEAD, error) {
	raw, err := s.openRaw(k)
	if err != nil {
		return nil, err
	}
	return gcm(raw)
}

// gcm is the AEAD of a customer key's raw bytes.
func gcm(raw []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

var errDestroyed = errors.New("customer key destroyed")

// NewChecked is the sealer of a process that serves or works: it fails when keys cannot open the
// customer keys already in store.
func NewChecked(ctx context.Context, keys *codec.Keyring, store *models.Store) (*Sealer, error) {
	s := &Sealer{Keys: keys, Store: store}
	if err := s.Check(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// KeyError is Check's refusal of the encryption keys given: the read model answered, and the keys
// are what is wrong, not the database.
type KeyError struct{ err error }

func (e *KeyError) Error() string { return e.err.Error() }
func (e *KeyError) Unwrap() error { return e.err }

// Check fails when the encryption keys cannot open the customer keys already in the read model: a
// process started with another key would show every customer as unavailable and wrap new
// customers' keys with a key the others do not have.
func (s *Sealer) Check(ctx context.Context) error {
	k, err := s.Store.NewestLiveCustomerKey(ctx)
	if errors.Is(err, models.ErrNotFound) {
		return nil // nothing sealed yet
	}
	if err != nil {
		return err
	}
	// Older customers' keys may be wrapped by an earlier key: one dropped from the old keys too
	// soon would leave those customers unreadable, found only when someone opens one.
	wrappers, err := s.Store.CustomerKeysByWrapper(ctx)
	if err != nil {
		return err
	}
	var missing []string
	var n int64
	for id, count := range wrappers {
		if !s.Keys.Has(id) {
			missing, n = append(missing, id), n+count
		}
	}
	slices.Sort(missing)
	if _, err := s.unwrap(k); err != nil {
		held := ""
		if len(missing) > 0 {
			held = fmt.Sprintf("; %s wrapped by encryption key %s, which this process does not hold", customerKeys(n), strings.Join(missing, ", "))
		}
		return &KeyError{fmt.Errorf("the encryption key cannot open the customer keys in the read model (%w%s): "+
			"set HANDOVER_ENCRYPTION_KEY to the key they were made with, or name it in HANDOVER_ENCRYPTION_OLD_KEYS", err, held)}
	}
	if len(missing) > 0 {
		return &KeyError{fmt.Errorf("in the read model %s wrapped by encryption key %s, which neither HANDOVER_ENCRYPTION_KEY "+
			"nor HANDOVER_ENCRYPTION_OLD_KEYS holds: put it back in HANDOVER_ENCRYPTION_OLD_KEYS (then `handover admin rewrap-keys` "+
			"moves them to the current key)", customerKeys(n), strings.Join(missing, ", "))}
	}
	return nil
}

// customerKeys says how many customer keys there are, and that they are: "1 customer key is".
func customerKeys(n int64) string {
	if n == 1 {
		return "1 customer key is"
	}
	return fmt.Sprintf("%d customer keys are", n)
}

// Rewrap wraps every live customer key with the current encryption key, so that an earlier key
// is no longer needed for them (histories still need it for their 30 days). It returns how many
// it rewrapped; a key destroyed meanwhile is left destroyed.
func (s *Sealer) Rewrap(ctx context.Context) (int, error) {
	current, after, done := s.Keys.CurrentKeyID(), "", 0
	for {
		keys, err := s.Store.CustomerKeysNotWrappedBy(ctx, current, after, 500)
		if err == nil && len(keys) == 0 && done > 0 {
			// The customers' search indexes are under the earlier key too: made again under the
			// current one (by the workers' indexers), they are found once the earlier is retired.
			_, err = s.Store.MarkCustomersForSearch(ctx)
		}
		if err != nil || len(keys) == 0 {
			return done, err
		}
		for _, k := range keys {
			after = k.ID
			raw, err := s.openRaw(k)
			if err != nil {
				return done, err
			}
			id, again := s.wrap(k.ID, raw)
			stored, err := s.Store.RewrapCustomerKey(ctx, k.ID, k.WrapKeyID, id, again)
			if err != nil {
				return done, err
			}
			if stored {
				done++
			}
		}
	}
}

// Opener opens sealed values, loading each customer key once. It is meant for one request or one
// batch: keys are not kept beyond it, so an erasure takes effect on the next one.
type Opener struct {
	s     *Sealer
	ctx   context.Context
	aeads map[string]cipher.AEAD
}

// Opener returns an Opener for one request.
func (s *Sealer) Opener(ctx context.Context) *Opener {
	return &Opener{s: s, ctx: ctx, aeads: map[string]cipher.AEAD{}}
}

// Open returns the plain value of v, v itself when it is not sealed, or Erased when its key was
// destroyed. An error means the read model could not be read; the caller should not guess.
func (o *Opener) Open(v string) (string, error) {
	if !IsSealed(v) {
		return v, nil
	}
	keyID, data, ok := strings.Cut(strings.TrimPrefix(v, prefix), ":")
	if !ok {
		return Erased, nil
	}
	aead, seen := o.aeads[keyID]
	if !seen {
		k, err := o.s.Store.CustomerKeyByID(o.ctx, keyID)
		switch {
		case errors.Is(err, models.ErrNotFound):
		case err != nil:
			return "", err
		default:
			if aead, err = o.s.unwrap(k); err != nil && !errors.Is(err, errDestroyed) {
				return "", err
			}
		}
		o.aeads[keyID] = aead
	}
	if aead == nil {
		return Erased, nil
	}
	sealed, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(sealed) < aead.NonceSize() {
		return Erased, nil
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(keyID))
	if err != nil {
		return Erased, nil
	}
	return string(plain), nil
}

// OpenAll opens each value in place, loading the keys they need in one query.
func (o *Opener) OpenAll(values ...*string) error {
	var missing []string
	for _, v := range values {
		if !IsSealed(*v) {
			continue
		}
		keyID, _, _ := strings.Cut(strings.TrimPrefix(*v, prefix), ":")
		if _, seen := o.aeads[keyID]; !seen && !slices.Contains(missing, keyID) {
			missing = append(missing, keyID)
		}
	}
	if len(missing) > 1 {
		keys, err := o.s.Store.CustomerKeysByIDs(o.ctx, missing)
		if err != nil {
			return err
		}
		for _, id := range missing {
			o.aeads[id] = nil // unknown keys read as erased
		}
		for _, k := range keys {
			aead, err := o.s.unwrap(k)
			if err != nil && !errors.Is(err, errDestroyed) {
				return err
			}
			o.aeads[k.ID] = aead
		}
	}
	for _, v := range values {
		plain, err := o.Open(*v)
		if err != nil {
			return err
		}
		*v = plain
	}
	return nil
}

// OpenTree opens every sealed string found in a decoded JSON value (maps, slices, strings).
func (o *Opener) OpenTree(v any) (any, error) {
	switch t := v.(type) {
	case string:
		return o.Open(t)
	case map[string]any:
		for k, e := range t {
			opened, err := o.OpenTree(e)
			if err != nil {
				return nil, err
			}
			t[k] = opened
		}
		return t, nil
	case []any:
		for i, e := range t {
			opened, err := o.OpenTree(e)
			if err != nil {
				return nil, err
			}
			t[i] = opened
		}
		return t, nil
	}
	return v, nil
}

// OpenJSON opens every sealed string in a JSON document; the document is returned unchanged when
// it holds none.
func (o *Opener) OpenJSON(doc []byte) ([]byte, error) {
	if !strings.Contains(string(doc), prefix) {
		return doc, nil
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return doc, nil
	}
	opened, err := o.OpenTree(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(opened)
}

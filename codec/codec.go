// Package codec encrypts what handover stores in Temporal: every payload of every workflow
// history (inputs, results, Update arguments, query answers, memos) and the messages of failures,
// with AES-256-GCM under the process's encryption key. Temporal itself then holds only
// ciphertext; the key never leaves handover's processes.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// KeySize is the length of an encryption key: AES-256.
const KeySize = 32

// Metadata of an encrypted payload.
const (
	// MetadataEncoding is the encoding of payloads this codec encrypted.
	MetadataEncoding = "binary/encrypted"
	// MetadataKeyID names the key a payload was encrypted with, so keys can rotate.
	MetadataKeyID = "encryption-key-id"
)

// ParseKey reads a 32-byte key written as 64 hexadecimal digits or as base64 (standard or URL
// alphabet, padded or not).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	if _, err := hex.DecodeString(s); err == nil && len(s) != 2*KeySize {
		// Hex digits are base64 too: "openssl rand -hex 16" would read as 24 bytes of base64.
		return nil, fmt.Errorf("encryption key: %d hex digits (%d bytes), want %d (%d bytes): make one with openssl rand -hex %d, or -base64 %d", len(s), len(s)/2, 2*KeySize, KeySize, KeySize, KeySize)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("encryption key: %d bytes read as base64, want %d: make one with openssl rand -base64 %d", len(k), KeySize, KeySize)
			}
			return k, nil
		}
	}
	return nil, errors.New("encryption key: want 32 bytes as 64 hex digits or base64")
}

// NewKey returns a fresh random key, base64-encoded as HANDOVER_ENCRYPTION_KEY takes it.
func NewKey() string {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err)) // crypto/rand does not fail on supported systems
	}
	return base64.StdEncoding.EncodeToString(k)
}

// LoadOrCreateKeyFile reads the key kept in path, or writes a new one there (mode 0600) when the
// file does not exist yet: `handover dev` keeps its key beside its data. The key is written whole
// to a file of its own and then linked to path, so that a process killed while writing leaves no
// file, never an empty one; an empty file (left so by an earlier version) held no key that could
// have sealed anything, and is replaced.
func LoadOrCreateKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil && strings.TrimSpace(string(b)) != "":
		return strings.TrimSpace(string(b)), nil
	case err == nil:
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("replacing the empty encryption key file: %w", err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("reading encryption key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating directory for %s: %w", path, err)
	}
	key := NewKey()
	f, err := os.CreateTemp(dir, ".encryption-key-*")
	if err != nil {
		return "", fmt.Errorf("writing encryption key: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(key + "\n"); err != nil {
		return "", errors.Join(fmt.Errorf("writing encryption key: %w", err), f.Close())
	}
	if err := f.Sync(); err != nil {
		return "", errors.Join(fmt.Errorf("writing encryption key: %w", err), f.Close())
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing encryption key: %w", err)
	}
	if err := os.Link(f.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) { // another process wrote it first
			return LoadOrCreateKeyFile(path)
		}
		return "", fmt.Errorf("writing encryption key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		// The link itself survives a power cut only once the directory is on disk.
		err = errors.Join(d.Sync(), d.Close())
		if err != nil {
			return "", fmt.Errorf("writing encryption key: %w", err)
		}
	}
	return key, nil
}

// Keyring holds the current key, which encrypts, and earlier keys, which still decrypt what they
// encrypted before a rotation.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
	// search is, by key, the key its blind indexes are made with (BlindIndex), derived from it.
	search map[string][]byte
	// missing, when set, hears of each key asked for that the keyring does not hold (OnMissingKey).
	missing func(keyID string)
}

// OnMissingKey has report called, at most once a minute for each key, when data under a key the
// keyring does not hold is to be opened: a worker whose histories need a retired key fails their
// workflow tasks, which its SDK logs only quietly. Set it before the keyring is shared.
func (k *Keyring) OnMissingKey(report func(keyID string)) {
	var mu sync.Mutex
	last := map[string]time.Time{}
	k.missing = func(keyID string) {
		mu.Lock()
		now := time.Now()
		due := now.Sub(last[keyID]) >= time.Minute
		if due {
			last[keyID] = now
		}
		mu.Unlock()
		if due {
			report(keyID)
		}
	}
}

// NewKeyring builds a keyring from the current key and any previous ones (each as ParseKey reads).
func NewKeyring(current string, previous ...string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}, search: map[string][]byte{}}
	for i, s := range append([]string{current}, previous...) {
		if i > 0 && strings.TrimSpace(s) == "" {
			continue
		}
		raw, err := ParseKey(s)
		if err != nil {
			return nil, err
		}
		id := KeyID(raw)
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		derive := hmac.New(sha256.New, raw)
		derive.Write([]byte("handover-blind-index\x00"))
		k.search[id] = derive.Sum(nil)
		if i == 0 {
			k.current = id
		}
	}
	return k, nil
}

// KeyID names a key without revealing it: the first 8 bytes of a SHA-256 of it, in hex.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("handover-key-id\x00"), key...))
	return hex.EncodeToString(sum[:8])
}

// BlindIndex is a keyed hash of term under the current key: what a search matches without the
// term itself being stored. Guessing a term back from it takes the key.
func (k *Keyring) BlindIndex(term string) string { return blindIndex(k.search[k.current], term) }

// BlindIndexes are term's blind indexes under every key the keyring holds, the current first: a
// search finds what was indexed before a rotation too.
func (k *Keyring) BlindIndexes(term string) []string {
	out := []string{k.BlindIndex(term)}
	for _, id := range k.OldKeyIDs() {
		out = append(out, blindIndex(k.search[id], term))
	}
	return out
}

func blindIndex(key []byte, term string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(term))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// CurrentKeyID names the key new data is encrypted with.
func (k *Keyring) CurrentKeyID() string { return k.current }

// OldKeyIDs names the earlier keys the keyring still opens data with, sorted.
func (k *Keyring) OldKeyIDs() []string {
	var ids []string
	for id := range k.aeads {
		if id != k.current {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Has reports whether the keyring holds the key of that ID (the current key or an earlier one).
func (k *Keyring) Has(keyID string) bool {
	_, ok := k.aeads[keyID]
	return ok
}

// Seal encrypts plain with the current key, binding aad; it returns the key's ID and
// nonce||ciphertext.
func (k *Keyring) Seal(plain, aad []byte) (string, []byte) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err))
	}
	return k.current, aead.Seal(nonce, nonce, plain, aad)
}

// ErrUnknownKey is returned for data encrypted with a key the keyring does not hold.
var ErrUnknownKey = errors.New("encrypted with a key this process does not have: name that key in HANDOVER_ENCRYPTION_OLD_KEYS (each process logs its keys' IDs at start)")

// Open decrypts what Seal returned.
func (k *Keyring) Open(keyID string, sealed, aad []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		if k.missing != nil {
			k.missing(keyID)
		}
		return nil, fmt.Errorf("key %s: %w", keyID, ErrUnknownKey)
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("encrypted data too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
	if err != nil {
		return nil, fmt.Errorf("decrypting with key %s: %w", keyID, err)
	}
	return plain, nil
}

// PayloadCodec encrypts whole payloads (their metadata and data) for Temporal. Payloads that are
// not encrypted, written before encryption was turned on, pass through Decode unchanged.
type PayloadCodec struct {
	Keys *Keyring
}

var _ converter.PayloadCodec = (*PayloadCodec)(nil)

// Encode encrypts each payload with the current key.
func (c *PayloadCodec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encoding payload: %w", err)
		}
		id, sealed := c.Keys.Seal(raw, nil)
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(MetadataEncoding),
				MetadataKeyID:              []byte(id),
			},
			Data: sealed,
		}
	}
	return out, nil
}

// Decode decrypts the payloads Encode made and leaves others as they are.
func (c *PayloadCodec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != MetadataEncoding {
			out[i] = p
			continue
		}
		raw, err := c.Keys.Open(string(p.GetMetadata()[MetadataKeyID]), p.GetData(), nil)
		if err != nil {
			return nil, fmt.Errorf("decoding payload: %w", err)
		}
		dec := &commonpb.Payload{}
		if err := proto.Unmarshal(raw, dec); err != nil {
			return nil, fmt.Errorf("decoding payload: %w", err)
		}
		out[i] = dec
	}
	return out, nil
}

// DataConverter is the SDK's default converter with every payload encrypted.
func (k *Keyring) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), &PayloadCodec{Keys: k})
}

// FailureConverter encrypts failure messages and stack traces as well as their details.
func (k *Keyring) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: k.DataConverter(), EncodeCommonAttributes: true,
	})
}

// ClientOptions returns opts with the encrypting data and failure converters: every Temporal
// client handover makes goes through here, so workers, APIs, admin commands and tests all read
// and write the same ciphertext.
func (k *Keyring) ClientOptions(opts client.Options) client.Options {
	opts.DataConverter = k.DataConverter()
	opts.FailureConverter = k.FailureConverter()
	return opts
}

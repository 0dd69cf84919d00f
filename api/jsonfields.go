package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// maxBodyProblems bounds the keys and values of a body listed as wrong: a body of a hundred
// thousand mistakes is answered with the first of them, not a 10 MB problem document.
const maxBodyProblems = 100

// decodeBody decodes a request body, one JSON object, into dst (a pointer to a request struct).
// What is not JSON, or not one object, is an error to answer 400. Every key that names no field
// and every value of the wrong type are returned together, each by its dotted path
// (customer.email, required_fields[1]) in key order, where encoding/json would stop at the first;
// dst then holds the rest of the body, so that the rules of the fields that did decode can be
// checked as well and one answer lists all that is wrong.
func decodeBody(raw []byte, dst any) ([]FieldError, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		// encoding/json decodes null into a struct as nothing at all: it is no object.
		return nil, errorf(kindMalformed, "the body must be a JSON object")
	}
	// Most bodies are right: one strict pass decodes them. Only a body it refuses is parsed again
	// and walked, to list everything wrong with it.
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(dst); err == nil {
		if _, err := strict.Token(); err != io.EOF {
			return nil, errorf(kindMalformed, "the body must hold exactly one JSON object")
		}
		// encoding/json keeps the last of a key given twice: the caller may have meant the first.
		return repeatedKeys(raw, reflect.TypeOf(dst)), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var body any
	switch err := dec.Decode(&body); {
	case errors.Is(err, io.EOF):
		return nil, nil // an empty body is an empty object: required fields are then reported by name
	case err != nil:
		return nil, decodeError(err)
	}
	if _, isObject := body.(map[string]any); !isObject {
		return nil, errorf(kindMalformed, "the body must be a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(kindMalformed, "the body must hold exactly one JSON object")
	}
	problems := append(jsonProblems(body, reflect.TypeOf(dst)), repeatedKeys(raw, reflect.TypeOf(dst))...)
	if len(problems) == 0 {
		// The strict pass refused what the walk cannot judge (a type that reads its own JSON):
		// refused as it says.
		strict := json.NewDecoder(bytes.NewReader(raw))
		strict.DisallowUnknownFields()
		if err := strict.Decode(dst); err != nil {
			return nil, decodeError(err)
		}
		return nil, nil
	}
	// encoding/json skips unknown keys and values of the wrong type and decodes the rest.
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(raw, dst); err != nil && !errors.As(err, &typeErr) {
		return nil, decodeError(err)
	}
	return problems, nil
}

// jsonProblems lists the keys of v (a JSON value decoded into any with UseNumber) that name no
// field of t and the values that encoding/json could not decode into theirs.
func jsonProblems(v any, t reflect.Type) []FieldError {
	var problems []FieldError
	walkJSON(v, t, "", &problems)
	return problems
}

func walkJSON(v any, t reflect.Type, path string, problems *[]FieldError) {
	if v == nil || len(*problems) >= maxBodyProblems {
		return // null leaves a field as it is
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if readsOwnJSON(t) {
		return
	}
	ok := true
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]any
		if obj, ok = v.(map[string]any); ok {
			fields := jsonFieldsOf(t)
			for _, key := range slices.Sorted(maps.Keys(obj)) {
				f, known := lookupJSONField(fields, key)
				if !known {
					addProblem(problems, joinKey(path, key), "is not a known field")
					continue
				}
				walkJSON(obj[key], f.typ, joinKey(path, f.name), problems)
			}
		}
	case reflect.Map:
		var obj map[string]any
		if obj, ok = v.(map[string]any); ok {
			for _, key := range slices.Sorted(maps.Keys(obj)) {
				walkJSON(obj[key], t.Elem(), joinKey(path, key), problems)
			}
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return // bytes are base64 text or a list: left to encoding/json
		}
		var list []any
		if list, ok = v.([]any); ok {
			for i, item := range list {
				walkJSON(item, t.Elem(), path+"["+strconv.Itoa(i)+"]", problems)
			}
		}
	case reflect.String:
		_, ok = v.(string)
	case reflect.Bool:
		_, ok = v.(bool)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, isNumber := v.(json.Number)
		_, err := strconv.ParseInt(string(n), 10, t.Bits())
		ok = isNumber && err == nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, isNumber := v.(json.Number)
		_, err := strconv.ParseUint(string(n), 10, t.Bits())
		ok = isNumber && err == nil
	case reflect.Float32, reflect.Float64:
		n, isNumber := v.(json.Number)
		_, err := strconv.ParseFloat(string(n), t.Bits())
		ok = isNumber && err == nil
	}
	if !ok {
		addProblem(problems, path, "must be a "+jsonKind(t.Kind()))
	}
}

// repeatedKeys lists the keys that raw, one JSON value already known to be valid, gives more than
// once in an object, each by its dotted path: two keys that fill the same field of t (to_id and
// TO_ID) count as one given twice. encoding/json would keep the last in silence.
func repeatedKeys(raw []byte, t reflect.Type) []FieldError {
	var problems []FieldError
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := walkKeys(dec, t, "", &problems); err != nil {
		return nil // not JSON: said by the decoding
	}
	return problems
}

// walkKeys reads one value from dec, noting in problems each key of an object in it that repeats
// an earlier one. t is the type the value fills (nil: unknown, its keys compared as they are).
func walkKeys(dec *json.Decoder, t reflect.Type, path string, problems *[]FieldError) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		return nil
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && readsOwnJSON(t) {
		t = nil
	}
	switch delim {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, path+"["+strconv.Itoa(i)+"]", problems); err != nil {
				return err
			}
		}
	case '{':
		var fields []jsonField
		if t != nil && t.Kind() == reflect.Struct {
			fields = jsonFieldsOf(t)
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			name, sub := key, reflect.Type(nil)
			switch {
			case fields != nil:
				if f, known := lookupJSONField(fields, key); known {
					name, sub = f.name, f.typ
				}
			case t != nil && t.Kind() == reflect.Map:
				sub = t.Elem()
			}
			if seen[name] {
				addProblem(problems, joinKey(path, key), "is given more than once")
			}
			seen[name] = true
			if err := walkKeys(dec, sub, joinKey(path, name), problems); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing bracket or brace
	return err
}

func addProblem(problems *[]FieldError, field, message string) {
	if len(*problems) < maxBodyProblems {
		*problems = append(*problems, FieldError{Field: field, Message: message})
	}
}

// readsOwnJSON reports whether encoding/json hands values of t to t itself (or takes any value,
// as for an interface): the walk does not judge them.
func readsOwnJSON(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Kind() == reflect.Interface ||
		p.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// jsonField is a struct field as encoding/json names it.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFieldsOf lists the fields encoding/json fills in a struct: exported ones, by their tag's
// name or their own, and those of an untagged embedded struct as if they were the outer struct's
// (after its own, which win a clash).
func jsonFieldsOf(t reflect.Type) []jsonField {
	var own, promoted []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if !f.IsExported() && !(f.Anonymous && ft.Kind() == reflect.Struct) {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-" && opts == "":
			continue
		case tag == "" && f.Anonymous && ft.Kind() == reflect.Struct:
			promoted = append(promoted, jsonFieldsOf(ft)...)
			continue
		case tag == "":
			tag = f.Name
		}
		typ := f.Type
		if slices.Contains(strings.Split(opts, ","), "string") {
			// A number or boolean written as a string: left to encoding/json.
			typ = reflect.TypeFor[any]()
		}
		own = append(own, jsonField{name: tag, typ: typ})
	}
	return append(own, promoted...)
}

// lookupJSONField finds the field a key fills as encoding/json does: by its exact name, else by
// the name in any case.
func lookupJSONField(fields []jsonField, key string) (jsonField, bool) {
	if i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == key }); i >= 0 {
		return fields[i], true
	}
	if i := slices.IndexFunc(fields, func(f jsonField) bool { return strings.EqualFold(f.name, key) }); i >= 0 {
		return fields[i], true
	}
	return jsonField{}, false
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// patchBody is a request body that changes only the fields it sends (PATCH): a field sent as null
// would otherwise read as one left out, and the request answer 200 having changed nothing.
type patchBody interface{ patch() }

// nullFields lists the members of a JSON object given as null, in the order sent.
func nullFields(raw []byte) []FieldError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []FieldError
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		if name, ok := key.(string); ok && string(bytes.TrimSpace(v)) == "null" {
			out = append(out, FieldError{Field: name, Message: "must not be null: leave the field out to keep its value"})
		}
	}
	return out
}

// outside drops from fields what is said of a field problems name, or of a part of one: a value of
// the wrong type was not decoded, so its rules have nothing to say of it (notes given as text do
// not also lack a summary).
func outside(problems, fields []FieldError) []FieldError {
	return slices.DeleteFunc(fields, func(f FieldError) bool { return covered(problems, f.Field) })
}

// covered reports whether problems already tell of field (or of what holds it).
func covered(problems []FieldError, field string) bool {
	return slices.ContainsFunc(problems, func(p FieldError) bool {
		return field == p.Field || strings.HasPrefix(field, p.Field+".") || strings.HasPrefix(field, p.Field+"[")
	})
}

package workflows

import "strings"

// know keeps the name of a person the action's messages may name (revision 10 on; earlier
// revisions name everyone by staff ID, and keep no names, so that they replay as they ran).
func (s *State) know(id, name string) {
	name = strings.TrimSpace(name)
	if s.revision < 10 || id == "" || id == SystemActor || name == "" {
		return
	}
	if s.Names == nil {
		s.Names = map[string]string{}
	}
	s.Names[id] = name
}

// knowActor keeps the name of the person making a change.
func (s *State) knowActor(a Actor) { s.know(a.ID, a.Name) }

// who is how a message names a person: by name from revision 10 when the action knows it, by
// staff ID otherwise (before revision 10, and for a name never given).
func (s *State) who(id string) string {
	if name := s.Names[id]; s.revision >= 10 && name != "" {
		return name
	}
	return id
}

// whoIs names a person the command itself describes (a recipient), by the name it gives from
// revision 10, else as who does.
func (s *State) whoIs(r Recipient) string {
	if name := strings.TrimSpace(r.Name); s.revision >= 10 && name != "" {
		return name
	}
	return s.who(r.ID)
}

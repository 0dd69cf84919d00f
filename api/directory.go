package api

import (
	"errors"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// idPattern is the form of staff and team IDs: short, readable, safe in URLs.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func requireAdmin(c *gin.Context) error {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		return errorf(kindForbidden, "only administrators manage staff and teams")
	}
	return nil
}

type teamView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *server) listTeams(c *gin.Context) {
	teams, err := s.Store.ListTeams(c.Request.Context())
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	items := make([]teamView, len(teams))
	for i, t := range teams {
		items[i] = teamView{ID: t.ID, Name: t.Name}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type teamRequest struct {
	ID   string `json:"id" binding:"required,max=64"`
	Name string `json:"name" binding:"required,notblank,max=200"`
}

func (s *server) createTeam(c *gin.Context) {
	if err := requireAdmin(c); err != nil {
		writeError(c, s.Log, err)
		return
	}
	var req teamRequest
	if err := s.decoder.decode(c, &req); err != nil {
		writeError(c, s.Log, err)
		return
	}
	if !idPattern.MatchString(req.ID) {
		writeError(c, s.Log, invalidFields(FieldError{Field: "id", Message: "must be lower-case letters, digits, '.', '-' or '_' (at most 64)"}))
		return
	}
	if err := s.Store.CreateTeam(c.Request.Context(), models.Team{ID: req.ID, Name: req.Name}); err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(http.StatusCreated, teamView(req))
}

type teamPatch struct {
	Name *string `json:"name" binding:"omitempty,notblank,max=200"`
}

func (s *server) patchTeam(c *gin.Context) {
	if err := requireAdmin(c); err != nil {
		writeError(c, s.Log, err)
		return
	}
	team, err := s.Store.GetTeam(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	var req teamPatch
	if err := s.decoder.decode(c, &req); err != nil {
		writeError(c, s.Log, err)
		return
	}
	if req.Name != nil {
		team.Name = *req.Name
	}
	if err := s.Store.SaveTeam(c.Request.Context(), team); err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(http.StatusOK, teamView{ID: team.ID, Name: team.Name})
}

func (s *server) listStaff(c *gin.Context) {
	staff, err := s.Store.ListStaff(c.Request.Context(), c.Query("team_id"))
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	items := make([]staffView, len(staff))
	for i, st := range staff {
		items[i] = staffJSON(st)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *server) getStaff(c *gin.Context) {
	st, err := s.Store.GetStaff(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(http.StatusOK, staffJSON(st))
}

type staffRequest struct {
	ID        string `json:"id" binding:"required,max=64"`
	Name      string `json:"name" binding:"required,notblank,max=200"`
	Role      string `json:"role" binding:"required,oneof=agent supervisor manager admin service"`
	TeamID    string `json:"team_id" binding:"max=64"`
	Authority int    `json:"authority" binding:"gte=0,lte=10"`
	OnShift   *bool  `json:"on_shift"`
}

// checkTeam refuses a team ID that does not exist, and a person of a team role without one.
func (s *server) checkTeam(c *gin.Context, role, teamID string) (*string, error) {
	if teamID == "" {
		if workflows.Role(role) == workflows.RoleAgent || workflows.Role(role) == workflows.RoleSupervisor {
			return nil, invalidFields(FieldError{Field: "team_id", Message: "agents and supervisors belong to a team"})
		}
		return nil, nil
	}
	if _, err := s.Store.GetTeam(c.Request.Context(), teamID); errors.Is(err, models.ErrNotFound) {
		return nil, invalidFields(FieldError{Field: "team_id", Message: "is not a team"})
	} else if err != nil {
		return nil, err
	}
	return &teamID, nil
}

func (s *server) createStaff(c *gin.Context) {
	if err := requireAdmin(c); err != nil {
		writeError(c, s.Log, err)
		return
	}
	var req staffRequest
	if err := s.decoder.decode(c, &req); err != nil {
		writeError(c, s.Log, err)
		return
	}
	if !idPattern.MatchString(req.ID) {
		writeError(c, s.Log, invalidFields(FieldError{Field: "id", Message: "must be lower-case letters, digits, '.', '-' or '_' (at most 64)"}))
		return
	}
	team, err := s.checkTeam(c, req.Role, req.TeamID)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	st := models.Staff{ID: req.ID, Name: req.Name, Role: req.Role, TeamID: team, Authority: req.Authority, OnShift: true, Active: true}
	if req.OnShift != nil {
		st.OnShift = *req.OnShift
	}
	if err := s.Store.CreateStaff(c.Request.Context(), st); err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(http.StatusCreated, staffJSON(st))
}

type staffPatch struct {
	Name      *string `json:"name" binding:"omitempty,notblank,max=200"`
	Role      *string `json:"role" binding:"omitempty,oneof=agent supervisor manager admin service"`
	TeamID    *string `json:"team_id" binding:"omitempty,max=64"`
	Authority *int    `json:"authority" binding:"omitempty,gte=0,lte=10"`
	OnShift   *bool   `json:"on_shift"`
	Active    *bool   `json:"active"`
}

func (s *server) patchStaff(c *gin.Context) {
	if err := requireAdmin(c); err != nil {
		writeError(c, s.Log, err)
		return
	}
	st, err := s.Store.GetStaff(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	var req staffPatch
	if err := s.decoder.decode(c, &req); err != nil {
		writeError(c, s.Log, err)
		return
	}
	if req.Name != nil {
		st.Name = *req.Name
	}
	if req.Role != nil {
		st.Role = *req.Role
	}
	if req.Authority != nil {
		st.Authority = *req.Authority
	}
	if req.OnShift != nil {
		st.OnShift = *req.OnShift
	}
	if req.Active != nil {
		st.Active = *req.Active
	}
	teamID := teamOf(st)
	if req.TeamID != nil {
		teamID = *req.TeamID
	}
	if st.TeamID, err = s.checkTeam(c, st.Role, teamID); err != nil {
		writeError(c, s.Log, err)
		return
	}
	if err := s.Store.SaveStaff(c.Request.Context(), st); err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(http.StatusOK, staffJSON(st))
}

package api

import (
	_ "embed"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"sigs.k8s.io/yaml"
)

// openAPIYAML is the API's contract, written first and kept beside the handlers; a test fails
// when a route is missing from it or it names a route that does not exist.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIJSON returns the OpenAPI document as JSON.
func OpenAPIJSON() ([]byte, error) {
	doc, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("converting openapi.yaml: %w", err)
	}
	return doc, nil
}

func (s *server) openAPI(c *gin.Context) {
	doc, err := OpenAPIJSON()
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Data(http.StatusOK, "application/json", doc)
}

{{/* Labels on every object: deploy/'s (kustomization.yaml `labels`) and Helm's standard ones. */}}
{{- define "barelb.labels" -}}
app.kubernetes.io/name: barelb
app.kubernetes.io/part-of: barelb
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Pod template labels: the same as deploy/'s, so selectors and pods match theirs. */}}
{{- define "barelb.podLabels" -}}
app.kubernetes.io/name: barelb
app.kubernetes.io/part-of: barelb
{{- end }}

{{- define "barelb.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The heartbeat key's Secret: the operator's, or the one the init container creates. */}}
{{- define "barelb.heartbeatSecret" -}}
{{ .Values.heartbeatKey.existingSecret | default "barelb-memberlist" }}
{{- end }}
{{- define "barelb.heartbeatSecretKey" -}}
{{ ternary .Values.heartbeatKey.existingSecretKey "secretkey" (ne .Values.heartbeatKey.existingSecret "") }}
{{- end }}

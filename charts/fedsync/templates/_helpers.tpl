{{/* Names and labels shared by every object of the release. */}}
{{- define "fedsync.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fedsync.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if eq .Release.Name (include "fedsync.name" .) -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "fedsync.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fedsync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fedsync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fedsync.labels" -}}
{{ include "fedsync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "fedsync.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "fedsync.fullname" .) -}}
{{- end -}}

{{/* Where the Secrets named in values are mounted; the configuration points at these files. */}}
{{- define "fedsync.secretsDir" -}}/var/run/secrets/fedsync{{- end -}}

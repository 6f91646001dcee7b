"""AWS CodeBuild: buildspecs (files, and the inline BuildSpec of a project) and projects
(AWS::CodeBuild::Project and ::SourceCredential in CloudFormation, create-project JSON)."""

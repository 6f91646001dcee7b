"""Amazon ECS task definitions and services, whatever the input: a standalone task definition
(register-task-definition input, CodePipeline's taskdef.json, describe-task-definition output),
Elastic Beanstalk's Dockerrun.aws.json, or AWS::ECS::TaskDefinition in a CloudFormation template
(`recognize`: which YAML/JSON is one; `model`: one normalised task definition; `cloudformation`:
the task definitions and services of a template as documents of their own).

The recognizer is imported on the first YAML/JSON document no other kind claims; the model only
for documents of these kinds, so that a Dockerfile scan loads neither (tests/test_startup.py).
"""

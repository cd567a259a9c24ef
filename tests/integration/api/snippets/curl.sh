curl --location 'https://api.zerogpu.ai/v1/responses' \
--header 'content-type: application/json' \
--header 'x-api-key: YOUR_API_KEY' \
--header 'x-project-id: YOUR_PROJECT_ID' \
--data '{
"model": "YOUR_MODEL",
"input": [
{
"role": "user",
"content": "Your input text here..."
}
],
"text": {
"format": {
"type": "text"
}
}
}'

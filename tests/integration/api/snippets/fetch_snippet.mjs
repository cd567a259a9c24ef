const url = 'https://api.zerogpu.ai/v1/responses';
const headers = {
'content-type': 'application/json',
'x-api-key': 'YOUR_API_KEY',
'x-project-id': 'YOUR_PROJECT_ID'
};
const payload = {
model: 'YOUR_MODEL',
input: [
{
role: 'user',
content: 'Your input text here...'
}
],
text: {
format: {
type: 'text'
}
}
};
fetch(url, {
method: 'POST',
headers,
body: JSON.stringify(payload)
})
.then(response => response.json())
.then(data => console.log(JSON.stringify(data)))
.catch(error => console.error('Error:', error));
